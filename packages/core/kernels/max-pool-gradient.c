// bdst's WebAssembly SIMD gradient of a 2×2, stride-2, unpadded max pool over NHWC float32. Built
// with the other kernels by packages/core/scripts/build-simd-kernels.mjs; works in place on
// tfjs-backend-wasm's memory. src/backend/kernels/max-pool-grad.ts calls it and keeps the same
// pass in JavaScript, which this equals bit for bit.
//
// Each window's dy goes to its largest input, the first in row-major window order on ties (a later
// input replaces the winner only when strictly greater, as tfjs' CPU backend and TensorFlow scan),
// nowhere when the window is all NaN; the other three inputs get +0. Inputs outside every window
// (an odd trailing row or column) are not written: the caller zeroes them. Four channels per
// vector; channels past the last group of 4 one at a time.
#include <wasm_simd128.h>

__attribute__((export_name("max_pool_gradient_2x2")))
void max_pool_gradient_2x2(const float* x, const float* dy, float* dx, int N, int H, int W, int C, int OH, int OW) {
  const long rowStride = (long)W * C;
  const int vectorC = C & ~3;
  const v128_t none = wasm_i32x4_splat(-1);
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const long row0 = ((long)n * H + 2 * oh) * rowStride;
      const long row1 = row0 + rowStride;
      const float* g = dy + (((long)n * OH + oh) * OW) * C;
      for (int ow = 0; ow < OW; ow++, g += C) {
        const long p[4] = {row0 + 2L * ow * C, row0 + (2L * ow + 1) * C, row1 + 2L * ow * C, row1 + (2L * ow + 1) * C};
        int c = 0;
        for (; c < vectorC; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t winner = none;
          v128_t v[4];
          for (int k = 0; k < 4; k++) {
            v[k] = wasm_v128_load(x + p[k] + c);
            const v128_t greater = wasm_f32x4_gt(v[k], best);
            best = wasm_v128_bitselect(v[k], best, greater);
            winner = wasm_v128_bitselect(wasm_i32x4_splat(k), winner, greater);
          }
          const v128_t gradient = wasm_v128_load(g + c);
          for (int k = 0; k < 4; k++) wasm_v128_store(dx + p[k] + c, wasm_v128_and(gradient, wasm_i32x4_eq(winner, wasm_i32x4_splat(k))));
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int winner = -1;
          for (int k = 0; k < 4; k++) {
            if (x[p[k] + c] > best) {
              best = x[p[k] + c];
              winner = k;
            }
          }
          for (int k = 0; k < 4; k++) dx[p[k] + c] = winner == k ? g[c] : 0.f;
        }
      }
    }
  }
}
