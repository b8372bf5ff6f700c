// The bodies of bdst's native convolution kernels, written once for any vector width and included
// by convolution-kernels.c once per instruction set, with:
//   VEC, LANES            the vector type and its float count (the packed panels' width)
//   V_LOAD(p), V_STORE(p, v), V_BCAST(p), V_FMA(a, b, c) = a * b + c (one rounding), V_ZERO(), V_RELU(v)
//   KERNEL(name)          the name with the instruction set's suffix
//   TARGET                the function attribute that enables the instruction set
// Tiles are 4 pixels (or input channels) x 2 panels of LANES channels in eight named accumulators
// a00, a01 ... a30, a31 (named, not an array: GCC kept an array that a helper took the address of
// in memory and stored it back on every iteration), or x 1 panel at the channels' end.

// Adds, for k < K, pixel q's value P[q * STEP + k] times the LANES weights of each panel at
// W0 / W1 + LANES * k (PANELS 1 or 2, a constant after inlining).
#define TILE_ACCUMULATE(PANELS, K, W0, W1, P, STEP)                                      \
  for (int k = 0; k < (K); k++) {                                                       \
    const VEC v0 = V_LOAD((W0) + LANES * k);                                            \
    const VEC v1 = (PANELS) == 2 ? V_LOAD((W1) + LANES * k) : v0;                       \
    const VEC s0 = V_BCAST((P) + k), s1 = V_BCAST((P) + (STEP) + k);                    \
    const VEC s2 = V_BCAST((P) + 2 * (STEP) + k), s3 = V_BCAST((P) + 3 * (STEP) + k);   \
    a00 = V_FMA(s0, v0, a00);                                                           \
    a10 = V_FMA(s1, v0, a10);                                                           \
    a20 = V_FMA(s2, v0, a20);                                                           \
    a30 = V_FMA(s3, v0, a30);                                                           \
    if ((PANELS) == 2) {                                                                \
      a01 = V_FMA(s0, v1, a01);                                                         \
      a11 = V_FMA(s1, v1, a11);                                                         \
      a21 = V_FMA(s2, v1, a21);                                                         \
      a31 = V_FMA(s3, v1, a31);                                                         \
    }                                                                                   \
  }

// The same for one pixel (the tile's edge), into accumulators A0, A1.
#define PIXEL_ACCUMULATE(PANELS, K, W0, W1, P, A0, A1)                                   \
  for (int k = 0; k < (K); k++) {                                                       \
    const VEC s = V_BCAST((P) + k);                                                     \
    A0 = V_FMA(s, V_LOAD((W0) + LANES * k), A0);                                        \
    if ((PANELS) == 2) A1 = V_FMA(s, V_LOAD((W1) + LANES * k), A1);                     \
  }

// The edge path: each of the first COUNT pixels, at FIRST + q * STEP, if inside [0, LIMIT).
#define EDGE_PIXELS(PANELS, COUNT, FIRST, STEP, LIMIT, K, W0, W1, ROW, PIXEL_STRIDE)                                                     \
  do {                                                                                                                                  \
    const int c0 = (FIRST);                                                                                                             \
    if ((COUNT) > 0 && c0 >= 0 && c0 < (LIMIT)) PIXEL_ACCUMULATE(PANELS, K, W0, W1, (ROW) + (int64_t)c0 * (PIXEL_STRIDE), a00, a01)     \
    if ((COUNT) > 1 && c0 + (STEP) >= 0 && c0 + (STEP) < (LIMIT))                                                                       \
      PIXEL_ACCUMULATE(PANELS, K, W0, W1, (ROW) + (int64_t)(c0 + (STEP)) * (PIXEL_STRIDE), a10, a11)                                    \
    if ((COUNT) > 2 && c0 + 2 * (STEP) >= 0 && c0 + 2 * (STEP) < (LIMIT))                                                               \
      PIXEL_ACCUMULATE(PANELS, K, W0, W1, (ROW) + (int64_t)(c0 + 2 * (STEP)) * (PIXEL_STRIDE), a20, a21)                                \
    if ((COUNT) > 3 && c0 + 3 * (STEP) >= 0 && c0 + 3 * (STEP) < (LIMIT))                                                               \
      PIXEL_ACCUMULATE(PANELS, K, W0, W1, (ROW) + (int64_t)(c0 + 3 * (STEP)) * (PIXEL_STRIDE), a30, a31)                                \
  } while (0)

// Stores the first COUNT pixels of the tile at OUT, pixels STRIDE floats apart, through ACT.
#define TILE_STORE(PANELS, OUT, STRIDE, COUNT, ACT)                                                                         \
  do {                                                                                                                     \
    V_STORE((OUT), ACT(a00));                                                                                              \
    if ((PANELS) == 2) V_STORE((OUT) + LANES, ACT(a01));                                                                   \
    if ((COUNT) > 1) { V_STORE((OUT) + (STRIDE), ACT(a10)); if ((PANELS) == 2) V_STORE((OUT) + (STRIDE) + LANES, ACT(a11)); } \
    if ((COUNT) > 2) {                                                                                                     \
      V_STORE((OUT) + 2 * (int64_t)(STRIDE), ACT(a20));                                                                    \
      if ((PANELS) == 2) V_STORE((OUT) + 2 * (int64_t)(STRIDE) + LANES, ACT(a21));                                         \
    }                                                                                                                      \
    if ((COUNT) > 3) {                                                                                                     \
      V_STORE((OUT) + 3 * (int64_t)(STRIDE), ACT(a30));                                                                    \
      if ((PANELS) == 2) V_STORE((OUT) + 3 * (int64_t)(STRIDE) + LANES, ACT(a31));                                         \
    }                                                                                                                      \
  } while (0)

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
  VEC a00 = bias ? V_LOAD(bias + co) : V_ZERO();
  VEC a01 = bias && panels == 2 ? V_LOAD(bias + co + LANES) : V_ZERO();
  VEC a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
  for (int kh = 0; kh < KH; kh++) {
    const int ih = oh * sh + kh - top;
    if (ih < 0 || ih >= H) continue;
    const float* xRow = x + ((int64_t)(n * H + ih) * W) * Ci;
    for (int kw = 0; kw < KW; kw++) {
      const int iw = ow * sw + kw - left;
      const float* w0 = wP + ((int64_t)(co / LANES) * taps + kh * KW + kw) * Ci * LANES;
      const float* w1 = w0 + (int64_t)taps * Ci * LANES;
      if (count == 4 && iw >= 0 && iw + 3 * sw < W) {
        const float* p = xRow + (int64_t)iw * Ci;
        TILE_ACCUMULATE(panels, Ci, w0, w1, p, sw * Ci)
      } else {
        EDGE_PIXELS(panels, count, iw, sw, W, Ci, w0, w1, xRow, Ci);
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
  VEC a00 = V_ZERO(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  for (int kh = 0; kh < KH; kh++) {
    const int oh = ih + top - kh;
    if (oh < 0 || oh >= OH) continue;
    const float* dyRow = dy + ((int64_t)(n * OH + oh) * OW) * Co;
    for (int kw = 0; kw < KW; kw++) {
      const int ow = iw + left - kw;
      const float* w0 = wP + (((int64_t)(ci / LANES) * KH + kh) * KW + kw) * Co * LANES;
      const float* w1 = w0 + (int64_t)KH * KW * Co * LANES;
      if (count == 4 && ow >= 0 && ow + 3 < OW) {
        const float* p = dyRow + (int64_t)ow * Co;
        TILE_ACCUMULATE(panels, Co, w0, w1, p, Co)
      } else {
        EDGE_PIXELS(panels, count, ow, 1, OW, Co, w0, w1, dyRow, Co);
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
        for (; ci + 2 * LANES <= Ci; ci += 2 * LANES)
          KERNEL(input_gradient_tile)(2, dy, wP, out + ci, n, ih, iw, count, ci, Ci, OH, OW, Co, KH, KW, top, left);
        if (ci < Ci) KERNEL(input_gradient_tile)(1, dy, wP, out + ci, n, ih, iw, count, ci, Ci, OH, OW, Co, KH, KW, top, left);
      }
    }
}

// ---------------------------------------------------------------------------------------------
// Filter gradient: dw[kh][kw][ci][co] = sum over n, oh, ow of
// x[n][oh*sh + kh - top][ow*sw + kw - left][ci] * dy[n][oh][ow][co]. Co % LANES == 0, any Ci.

// ROWS (1 to 4) input channels x PANELS panels of output channels of one tap, accumulated into d
// over output columns [ow0, ow1) of one output row.
TARGET INLINE void KERNEL(filter_gradient_tile)(int rows, int panels, float* d, const float* dyRow, const float* xRow, int Co, int Ci,
                                                int sw, int kw, int left, int ow0, int ow1) {
  const VEC zero = V_ZERO();
  VEC a00 = V_LOAD(d), a01 = panels == 2 ? V_LOAD(d + LANES) : zero;
  VEC a10 = rows > 1 ? V_LOAD(d + Co) : zero, a11 = rows > 1 && panels == 2 ? V_LOAD(d + Co + LANES) : zero;
  VEC a20 = rows > 2 ? V_LOAD(d + 2 * Co) : zero, a21 = rows > 2 && panels == 2 ? V_LOAD(d + 2 * Co + LANES) : zero;
  VEC a30 = rows > 3 ? V_LOAD(d + 3 * Co) : zero, a31 = rows > 3 && panels == 2 ? V_LOAD(d + 3 * Co + LANES) : zero;
  for (int ow = ow0; ow < ow1; ow++) {
    const float* g = dyRow + (int64_t)ow * Co;
    const float* xp = xRow + (int64_t)(ow * sw + kw - left) * Ci;
    const VEC g0 = V_LOAD(g);
    const VEC g1 = panels == 2 ? V_LOAD(g + LANES) : g0;
    const VEC s0 = V_BCAST(xp);
    a00 = V_FMA(s0, g0, a00);
    if (panels == 2) a01 = V_FMA(s0, g1, a01);
    if (rows > 1) {
      const VEC s1 = V_BCAST(xp + 1);
      a10 = V_FMA(s1, g0, a10);
      if (panels == 2) a11 = V_FMA(s1, g1, a11);
    }
    if (rows > 2) {
      const VEC s2 = V_BCAST(xp + 2);
      a20 = V_FMA(s2, g0, a20);
      if (panels == 2) a21 = V_FMA(s2, g1, a21);
    }
    if (rows > 3) {
      const VEC s3 = V_BCAST(xp + 3);
      a30 = V_FMA(s3, g0, a30);
      if (panels == 2) a31 = V_FMA(s3, g1, a31);
    }
  }
  TILE_STORE(panels, d, Co, rows, NO_ACTIVATION);
}

TARGET INLINE void KERNEL(filter_gradient_rows)(int rows, float* d, const float* dyRow, const float* xRow, int Co, int Ci, int sw, int kw,
                                                int left, int ow0, int ow1) {
  int co = 0;
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

#undef TILE_ACCUMULATE
#undef PIXEL_ACCUMULATE
#undef EDGE_PIXELS
#undef TILE_STORE
#undef NO_ACTIVATION
