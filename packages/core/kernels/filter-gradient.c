// bdst's WebAssembly SIMD filter gradient of a dilation-1 NHWC convolution (any stride, any padding).
// Built by packages/core/scripts/build-simd-kernels.mjs (clang 14, wasm32, -msimd128) into
// src/backend/kernels/simd-kernels-wasm.ts; the module imports tfjs-backend-wasm's own memory, so
// it reads x and dy and writes dw where the tensors already are.
//
//   dw[kh][kw][ci][co] = sum over n, oh, ow of x[n][oh*sh + kh - top][ow*sw + kw - left][ci] * dy[n][oh][ow][co]
//
// (input positions outside [0, H) x [0, W) are the zero padding and skipped). Requires co % 8 == 0;
// any ci (a first layer's 3 channels too). Tiles of 4 input x 8 output channels (the last tile of
// ci % 4 input channels where ci is not a multiple of 4) stay in f32x4 accumulators over one
// output row; the sum runs over n, oh, ow in that fixed order (multiplies and adds, no fused
// multiply-add), so results are the same on every machine.
#include <wasm_simd128.h>

// ceil(a / b) for b > 0, and 0 for a <= 0.
static int ceil_div_positive(int a, int b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// One tile: `rows` (1 to 4) input channels from ci x 8 output channels from co of one tap,
// accumulated over output columns [ow0, ow1) of one output row. Inlined with `rows` a constant,
// so each row count is its own loop with no per-row branches; rows past `rows` are not touched.
static inline __attribute__((always_inline)) void tile(int rows, float* d, const float* dyRow, const float* xRow, int Co,
                                                       int Ci, int sw, int kw, int left, int ow0, int ow1) {
  v128_t a00 = wasm_v128_load(d), a01 = wasm_v128_load(d + 4);
  v128_t a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
  if (rows > 1) { a10 = wasm_v128_load(d + Co); a11 = wasm_v128_load(d + Co + 4); }
  if (rows > 2) { a20 = wasm_v128_load(d + 2 * Co); a21 = wasm_v128_load(d + 2 * Co + 4); }
  if (rows > 3) { a30 = wasm_v128_load(d + 3 * Co); a31 = wasm_v128_load(d + 3 * Co + 4); }
  for (int ow = ow0; ow < ow1; ow++) {
    const float* g = dyRow + ow * Co;
    const float* xp = xRow + (ow * sw + kw - left) * Ci;
    const v128_t g0 = wasm_v128_load(g), g1 = wasm_v128_load(g + 4);
    const v128_t x0 = wasm_f32x4_splat(xp[0]);
    a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(x0, g0));
    a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(x0, g1));
    if (rows > 1) {
      const v128_t x1 = wasm_f32x4_splat(xp[1]);
      a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(x1, g0));
      a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(x1, g1));
    }
    if (rows > 2) {
      const v128_t x2 = wasm_f32x4_splat(xp[2]);
      a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(x2, g0));
      a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(x2, g1));
    }
    if (rows > 3) {
      const v128_t x3 = wasm_f32x4_splat(xp[3]);
      a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(x3, g0));
      a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(x3, g1));
    }
  }
  wasm_v128_store(d, a00);
  wasm_v128_store(d + 4, a01);
  if (rows > 1) { wasm_v128_store(d + Co, a10); wasm_v128_store(d + Co + 4, a11); }
  if (rows > 2) { wasm_v128_store(d + 2 * Co, a20); wasm_v128_store(d + 2 * Co + 4, a21); }
  if (rows > 3) { wasm_v128_store(d + 3 * Co, a30); wasm_v128_store(d + 3 * Co + 4, a31); }
}

__attribute__((export_name("filter_gradient")))
void filter_gradient(const float* x, const float* dy, float* dw, int N, int H, int W, int Ci,
                     int OH, int OW, int Co, int KH, int KW, int sh, int sw, int top, int left) {
  const int total = KH * KW * Ci * Co;
  for (int i = 0; i < total; i += 4) wasm_v128_store(dw + i, wasm_f32x4_splat(0.f));
  const int tail = Ci & 3;
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const float* dyRow = dy + ((long)(n * OH + oh) * OW) * Co;
      for (int kh = 0; kh < KH; kh++) {
        const int ih = oh * sh + kh - top;
        if (ih < 0 || ih >= H) continue;
        const float* xRow = x + ((long)(n * H + ih) * W) * Ci;
        for (int kw = 0; kw < KW; kw++) {
          // Output columns whose input column ow*sw + kw - left lies in [0, W).
          const int ow0 = ceil_div_positive(left - kw, sw);
          int ow1 = ceil_div_positive(W + left - kw, sw);
          if (ow1 > OW) ow1 = OW;
          if (ow0 >= ow1) continue;
          float* dwTap = dw + (kh * KW + kw) * Ci * Co;
          int ci = 0;
          for (; ci + 4 <= Ci; ci += 4)
            for (int co = 0; co < Co; co += 8) tile(4, dwTap + ci * Co + co, dyRow + co, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
          for (int co = 0; co < Co && tail != 0; co += 8) {
            float* d = dwTap + ci * Co + co;
            if (tail == 3) tile(3, d, dyRow + co, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
            else if (tail == 2) tile(2, d, dyRow + co, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
            else tile(1, d, dyRow + co, xRow + ci, Co, Ci, sw, kw, left, ow0, ow1);
          }
        }
      }
    }
  }
}
