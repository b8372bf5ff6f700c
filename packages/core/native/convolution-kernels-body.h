// The bodies of bdst's native convolution kernels, written once for any vector width and included
// by convolution-kernels.c once per instruction set, with:
//   VEC, LANES            the vector type and its float count (the packed panels' width)
//   V_LOAD(p), V_STORE(p, v), V_BCAST(p), V_FMA(a, b, c) = a * b + c (one rounding), V_ZERO(), V_RELU(v)
//   KERNEL(name)          the name with the instruction set's suffix
//   TARGET                the function attribute that enables the instruction set
//   MAX_PANELS            the widest tile in panels: 4 with AVX-512's 32 registers, 2 with AVX2's 16
// Tiles are 4 pixels (or input channels) x PANELS panels of LANES channels (PANELS 4, 2 or 1, a
// constant after inlining; the channels' end takes the narrower ones) in named accumulators
// a00 ... a03 (pixel 0, panels 0-3) ... a30 ... a33 (named, not an array: GCC kept an array that a
// helper took the address of in memory and stored it back on every iteration). Every output
// value sums its terms in the same order whatever the tile, so the tile width does not change
// the bits.

// Adds to pixel row Q's accumulators (aQ0 ... aQ3) the product of S with the weights V0 ... V3.
#define ROW_FMA(PANELS, S, Q)                          \
  do {                                                 \
    a##Q##0 = V_FMA(S, v0, a##Q##0);                   \
    if ((PANELS) >= 2) a##Q##1 = V_FMA(S, v1, a##Q##1); \
    if ((PANELS) == 4) {                               \
      a##Q##2 = V_FMA(S, v2, a##Q##2);                 \
      a##Q##3 = V_FMA(S, v3, a##Q##3);                 \
    }                                                  \
  } while (0)

// Loads the LANES weights of each of the tile's panels at W + LANES * k, panels PANEL floats apart.
#define LOAD_PANELS(PANELS, W, PANEL)                                                    \
  const VEC v0 = V_LOAD((W) + LANES * k);                                               \
  const VEC v1 = (PANELS) >= 2 ? V_LOAD((W) + (PANEL) + LANES * k) : v0;                \
  const VEC v2 = (PANELS) == 4 ? V_LOAD((W) + 2 * (PANEL) + LANES * k) : v0;            \
  const VEC v3 = (PANELS) == 4 ? V_LOAD((W) + 3 * (PANEL) + LANES * k) : v0;

// Adds, for k < K, pixel q's value P[q * STEP + k] times the LANES weights of each panel at
// W + p * PANEL + LANES * k.
#define TILE_ACCUMULATE(PANELS, K, W, PANEL, P, STEP)                                    \
  for (int k = 0; k < (K); k++) {                                                       \
    LOAD_PANELS(PANELS, W, PANEL)                                                       \
    const VEC s0 = V_BCAST((P) + k), s1 = V_BCAST((P) + (STEP) + k);                    \
    const VEC s2 = V_BCAST((P) + 2 * (STEP) + k), s3 = V_BCAST((P) + 3 * (STEP) + k);   \
    ROW_FMA(PANELS, s0, 0);                                                             \
    ROW_FMA(PANELS, s1, 1);                                                             \
    ROW_FMA(PANELS, s2, 2);                                                             \
    ROW_FMA(PANELS, s3, 3);                                                             \
  }

// The same for one pixel Q of the tile (its edge).
#define PIXEL_ACCUMULATE(PANELS, K, W, PANEL, P, Q)                                      \
  for (int k = 0; k < (K); k++) {                                                       \
    LOAD_PANELS(PANELS, W, PANEL)                                                       \
    const VEC s = V_BCAST((P) + k);                                                     \
    ROW_FMA(PANELS, s, Q);                                                              \
  }

// The edge path: each of the first COUNT pixels, at FIRST + q * STEP, if inside [0, LIMIT).
#define EDGE_PIXELS(PANELS, COUNT, FIRST, STEP, LIMIT, K, W, PANEL, ROW, PIXEL_STRIDE)                                               \
  do {                                                                                                                              \
    const int c0 = (FIRST);                                                                                                         \
    if ((COUNT) > 0 && c0 >= 0 && c0 < (LIMIT)) PIXEL_ACCUMULATE(PANELS, K, W, PANEL, (ROW) + (int64_t)c0 * (PIXEL_STRIDE), 0)     \
    if ((COUNT) > 1 && c0 + (STEP) >= 0 && c0 + (STEP) < (LIMIT))                                                                   \
      PIXEL_ACCUMULATE(PANELS, K, W, PANEL, (ROW) + (int64_t)(c0 + (STEP)) * (PIXEL_STRIDE), 1)                                     \
    if ((COUNT) > 2 && c0 + 2 * (STEP) >= 0 && c0 + 2 * (STEP) < (LIMIT))                                                           \
      PIXEL_ACCUMULATE(PANELS, K, W, PANEL, (ROW) + (int64_t)(c0 + 2 * (STEP)) * (PIXEL_STRIDE), 2)                                 \
    if ((COUNT) > 3 && c0 + 3 * (STEP) >= 0 && c0 + 3 * (STEP) < (LIMIT))                                                           \
      PIXEL_ACCUMULATE(PANELS, K, W, PANEL, (ROW) + (int64_t)(c0 + 3 * (STEP)) * (PIXEL_STRIDE), 3)                                 \
  } while (0)

// Stores pixel row Q of the tile at OUT through ACT.
#define ROW_STORE(PANELS, OUT, Q, ACT)                                      \
  do {                                                                     \
    V_STORE((OUT), ACT(a##Q##0));                                          \
    if ((PANELS) >= 2) V_STORE((OUT) + LANES, ACT(a##Q##1));               \
    if ((PANELS) == 4) {                                                   \
      V_STORE((OUT) + 2 * LANES, ACT(a##Q##2));                            \
      V_STORE((OUT) + 3 * LANES, ACT(a##Q##3));                            \
    }                                                                      \
  } while (0)

// Stores the first COUNT pixels of the tile at OUT, pixels STRIDE floats apart, through ACT.
#define TILE_STORE(PANELS, OUT, STRIDE, COUNT, ACT)                                 \
  do {                                                                             \
    ROW_STORE(PANELS, (OUT), 0, ACT);                                              \
    if ((COUNT) > 1) ROW_STORE(PANELS, (OUT) + (STRIDE), 1, ACT);                  \
    if ((COUNT) > 2) ROW_STORE(PANELS, (OUT) + 2 * (int64_t)(STRIDE), 2, ACT);     \
    if ((COUNT) > 3) ROW_STORE(PANELS, (OUT) + 3 * (int64_t)(STRIDE), 3, ACT);     \
  } while (0)

// Declares the tile's accumulators, every one INIT0 (panel 0) ... INIT3 (panel 3).
#define TILE_ACCUMULATORS(INIT0, INIT1, INIT2, INIT3)                                          \
  VEC a00 = (INIT0), a01 = (INIT1), a02 = (INIT2), a03 = (INIT3);                              \
  VEC a10 = a00, a11 = a01, a12 = a02, a13 = a03, a20 = a00, a21 = a01, a22 = a02, a23 = a03;  \
  VEC a30 = a00, a31 = a01, a32 = a02, a33 = a03

#define NO_ACTIVATION(v) (v)

// Packs a filter w[tap][ci][co] into panels of LANES channels of `by` (co, or ci with
// byInput): wP[co / LANES][tap][ci][LANES], or wP[ci / LANES][tap][co][LANES].
TARGET static void KERNEL(pack_filter)(const float* w, float* wP, int taps, int Ci, int Co, int byInput) {
  for (int t = 0; t < taps; t++)
    for (int ci = 0; ci < Ci; ci++)
      for (int co = 0; co < Co; co++) {
        const int64_t to = byInput ? (((int64_t)(ci / LANES) * taps + t) * Co + co) * LANES + ci % LANES
                                   : (((int64_t)(co / LANES) * taps + t) * Ci + ci) * LANES + co % LANES;
        wP[to] = w[((int64_t)t * Ci + ci) * Co + co];
      }
}

// ---------------------------------------------------------------------------------------------
// Forward convolution: y[n][oh][ow][co] = act(bias[co] + sum over kh, kw, ci of
// x[n][oh*sh + kh - top][ow*sw + kw - left][ci] * w[kh][kw][ci][co]). Co % LANES == 0.

TARGET INLINE void KERNEL(convolution_tile)(int panels, const float* x, const float* wP, const float* bias, float* out, int n, int oh,
                                            int ow, int count, int co, int H, int W, int Ci, int Co, int KH, int KW, int sh, int sw,
                                            int top, int left, int relu) {
  const int taps = KH * KW;
  TILE_ACCUMULATORS(bias ? V_LOAD(bias + co) : V_ZERO(), bias && panels >= 2 ? V_LOAD(bias + co + LANES) : V_ZERO(),
                    bias && panels == 4 ? V_LOAD(bias + co + 2 * LANES) : V_ZERO(), bias && panels == 4 ? V_LOAD(bias + co + 3 * LANES) : V_ZERO());
  const int64_t panel = (int64_t)taps * Ci * LANES;
  for (int kh = 0; kh < KH; kh++) {
    const int ih = oh * sh + kh - top;
    if (ih < 0 || ih >= H) continue;
    const float* xRow = x + ((int64_t)(n * H + ih) * W) * Ci;
    for (int kw = 0; kw < KW; kw++) {
      const int iw = ow * sw + kw - left;
      const float* w = wP + ((int64_t)(co / LANES) * taps + kh * KW + kw) * Ci * LANES;
      if (count == 4 && iw >= 0 && iw + 3 * sw < W) {
        const float* p = xRow + (int64_t)iw * Ci;
        TILE_ACCUMULATE(panels, Ci, w, panel, p, sw * Ci)
      } else {
        EDGE_PIXELS(panels, count, iw, sw, W, Ci, w, panel, xRow, Ci);
      }
    }
  }
  if (relu) TILE_STORE(panels, out, Co, count, V_RELU);
  else TILE_STORE(panels, out, Co, count, NO_ACTIVATION);
}

TARGET static void KERNEL(convolution)(const float* x, const float* wP, const float* bias, float* y, int N, int H, int W, int Ci, int OH,
                                       int OW, int Co, int KH, int KW, int sh, int sw, int top, int left, int relu) {
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++) {
      float* yRow = y + ((int64_t)(n * OH + oh) * OW) * Co;
      for (int ow = 0; ow < OW; ow += 4) {
        const int count = OW - ow < 4 ? OW - ow : 4;
        float* out = yRow + (int64_t)ow * Co;
        int co = 0;
        if (MAX_PANELS == 4)
          for (; co + 4 * LANES <= Co; co += 4 * LANES)
            KERNEL(convolution_tile)(4, x, wP, bias, out + co, n, oh, ow, count, co, H, W, Ci, Co, KH, KW, sh, sw, top, left, relu);
        for (; co + 2 * LANES <= Co; co += 2 * LANES)
          KERNEL(convolution_tile)(2, x, wP, bias, out + co, n, oh, ow, count, co, H, W, Ci, Co, KH, KW, sh, sw, top, left, relu);
        if (co < Co) KERNEL(convolution_tile)(1, x, wP, bias, out + co, n, oh, ow, count, co, H, W, Ci, Co, KH, KW, sh, sw, top, left, relu);
      }
    }
}

// ---------------------------------------------------------------------------------------------
// Input gradient, stride 1: dx[n][ih][iw][ci] = sum over kh, kw, co of
// dy[n][ih + top - kh][iw + left - kw][co] * w[kh][kw][ci][co]. Ci % LANES == 0.

TARGET INLINE void KERNEL(input_gradient_tile)(int panels, const float* dy, const float* wP, float* out, int n, int ih, int iw, int count,
                                               int ci, int Ci, int OH, int OW, int Co, int KH, int KW, int top, int left) {
  TILE_ACCUMULATORS(V_ZERO(), V_ZERO(), V_ZERO(), V_ZERO());
  const int64_t panel = (int64_t)KH * KW * Co * LANES;
  for (int kh = 0; kh < KH; kh++) {
    const int oh = ih + top - kh;
    if (oh < 0 || oh >= OH) continue;
    const float* dyRow = dy + ((int64_t)(n * OH + oh) * OW) * Co;
    for (int kw = 0; kw < KW; kw++) {
      const int ow = iw + left - kw;
      const float* w = wP + (((int64_t)(ci / LANES) * KH + kh) * KW + kw) * Co * LANES;
      if (count == 4 && ow >= 0 && ow + 3 < OW) {
        const float* p = dyRow + (int64_t)ow * Co;
        TILE_ACCUMULATE(panels, Co, w, panel, p, Co)
      } else {
        EDGE_PIXELS(panels, count, ow, 1, OW, Co, w, panel, dyRow, Co);
      }
    }
  }
  TILE_STORE(panels, out, Ci, count, NO_ACTIVATION);
}

TARGET static void KERNEL(input_gradient_s1)(const float* dy, const float* wP, float* dx, int N, int H, int W, int Ci, int OH, int OW,
                                             int Co, int KH, int KW, int top, int left) {
  for (int n = 0; n < N; n++)
    for (int ih = 0; ih < H; ih++) {
      float* dxRow = dx + ((int64_t)(n * H + ih) * W) * Ci;
      for (int iw = 0; iw < W; iw += 4) {
        const int count = W - iw < 4 ? W - iw : 4;
        float* out = dxRow + (int64_t)iw * Ci;
        int ci = 0;
        if (MAX_PANELS == 4)
          for (; ci + 4 * LANES <= Ci; ci += 4 * LANES)
            KERNEL(input_gradient_tile)(4, dy, wP, out + ci, n, ih, iw, count, ci, Ci, OH, OW, Co, KH, KW, top, left);
        for (; ci + 2 * LANES <= Ci; ci += 2 * LANES)
          KERNEL(input_gradient_tile)(2, dy, wP, out + ci, n, ih, iw, count, ci, Ci, OH, OW, Co, KH, KW, top, left);
        if (ci < Ci) KERNEL(input_gradient_tile)(1, dy, wP, out + ci, n, ih, iw, count, ci, Ci, OH, OW, Co, KH, KW, top, left);
      }
    }
}

// ---------------------------------------------------------------------------------------------
// Filter gradient: dw[kh][kw][ci][co] = sum over n, oh, ow of
// x[n][oh*sh + kh - top][ow*sw + kw - left][ci] * dy[n][oh][ow][co]. Co % LANES == 0, any Ci.

// ROWS (1 to 4) input channels x PANELS (1, 2 or 4) panels of output channels of one tap,
// accumulated into d over output columns [ow0, ow1) of one output row.
TARGET INLINE void KERNEL(filter_gradient_tile)(int rows, int panels, float* d, const float* dyRow, const float* xRow, int Co, int Ci,
                                                int sw, int kw, int left, int ow0, int ow1) {
  const VEC zero = V_ZERO();
  // Row R, panel P of the tile, as d holds it (zero outside the tile: never stored).
#define TILE_START(R, P) ((R) < rows && (P) < panels ? V_LOAD(d + (R) * (int64_t)Co + (P) * LANES) : zero)
  VEC a00 = TILE_START(0, 0), a01 = TILE_START(0, 1), a02 = TILE_START(0, 2), a03 = TILE_START(0, 3);
  VEC a10 = TILE_START(1, 0), a11 = TILE_START(1, 1), a12 = TILE_START(1, 2), a13 = TILE_START(1, 3);
  VEC a20 = TILE_START(2, 0), a21 = TILE_START(2, 1), a22 = TILE_START(2, 2), a23 = TILE_START(2, 3);
  VEC a30 = TILE_START(3, 0), a31 = TILE_START(3, 1), a32 = TILE_START(3, 2), a33 = TILE_START(3, 3);
#undef TILE_START
  for (int ow = ow0; ow < ow1; ow++) {
    const float* g = dyRow + (int64_t)ow * Co;
    const float* xp = xRow + (int64_t)(ow * sw + kw - left) * Ci;
    const VEC v0 = V_LOAD(g);
    const VEC v1 = panels >= 2 ? V_LOAD(g + LANES) : v0;
    const VEC v2 = panels == 4 ? V_LOAD(g + 2 * LANES) : v0;
    const VEC v3 = panels == 4 ? V_LOAD(g + 3 * LANES) : v0;
    const VEC s0 = V_BCAST(xp);
    ROW_FMA(panels, s0, 0);
    if (rows > 1) {
      const VEC s1 = V_BCAST(xp + 1);
      ROW_FMA(panels, s1, 1);
    }
    if (rows > 2) {
      const VEC s2 = V_BCAST(xp + 2);
      ROW_FMA(panels, s2, 2);
    }
    if (rows > 3) {
      const VEC s3 = V_BCAST(xp + 3);
      ROW_FMA(panels, s3, 3);
    }
  }
  TILE_STORE(panels, d, Co, rows, NO_ACTIVATION);
}

TARGET INLINE void KERNEL(filter_gradient_rows)(int rows, float* d, const float* dyRow, const float* xRow, int Co, int Ci, int sw, int kw,
                                                int left, int ow0, int ow1) {
  int co = 0;
  if (MAX_PANELS == 4)
    for (; co + 4 * LANES <= Co; co += 4 * LANES) KERNEL(filter_gradient_tile)(rows, 4, d + co, dyRow + co, xRow, Co, Ci, sw, kw, left, ow0, ow1);
  for (; co + 2 * LANES <= Co; co += 2 * LANES) KERNEL(filter_gradient_tile)(rows, 2, d + co, dyRow + co, xRow, Co, Ci, sw, kw, left, ow0, ow1);
  if (co < Co) KERNEL(filter_gradient_tile)(rows, 1, d + co, dyRow + co, xRow, Co, Ci, sw, kw, left, ow0, ow1);
}

TARGET static void KERNEL(filter_gradient)(const float* x, const float* dy, float* dw, int N, int H, int W, int Ci, int OH, int OW, int Co,
                                           int KH, int KW, int sh, int sw, int top, int left) {
  const int64_t total = (int64_t)KH * KW * Ci * Co;
  for (int64_t i = 0; i < total; i++) dw[i] = 0.f;
  const int tail = Ci & 3;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++) {
      const float* dyRow = dy + ((int64_t)(n * OH + oh) * OW) * Co;
      for (int kh = 0; kh < KH; kh++) {
        const int ih = oh * sh + kh - top;
        if (ih < 0 || ih >= H) continue;
        const float* xRow = x + ((int64_t)(n * H + ih) * W) * Ci;
        for (int kw = 0; kw < KW; kw++) {
          // Output columns whose input column ow*sw + kw - left lies in [0, W).
          const int ow0 = ceil_div_positive(left - kw, sw);
          int ow1 = ceil_div_positive(W + left - kw, sw);
          if (ow1 > OW) ow1 = OW;
          if (ow0 >= ow1) continue;
          float* dwTap = dw + (int64_t)(kh * KW + kw) * Ci * Co;
          int ci = 0;
          for (; ci + 4 <= Ci; ci += 4) KERNEL(filter_gradient_rows)(4, dwTap + (int64_t)ci * Co, dyRow, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
          if (tail == 3) KERNEL(filter_gradient_rows)(3, dwTap + (int64_t)ci * Co, dyRow, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
          else if (tail == 2) KERNEL(filter_gradient_rows)(2, dwTap + (int64_t)ci * Co, dyRow, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
          else if (tail == 1) KERNEL(filter_gradient_rows)(1, dwTap + (int64_t)ci * Co, dyRow, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
        }
      }
    }
}

#undef ROW_FMA
#undef LOAD_PANELS
#undef TILE_ACCUMULATE
#undef PIXEL_ACCUMULATE
#undef EDGE_PIXELS
#undef ROW_STORE
#undef TILE_STORE
#undef TILE_ACCUMULATORS
#undef NO_ACTIVATION
