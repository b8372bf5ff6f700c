// bdst's WebAssembly SIMD 2-D max pooling over NHWC float32, any window, stride and padding.
// Built with the other kernels by packages/core/scripts/build-simd-kernels.mjs; works in place on
// tfjs-backend-wasm's memory.
//
// Each output is the largest input of its window as tfjs' CPU backend scans it: starting from
// -infinity, an input replaces the maximum only when strictly greater, in row-major window order,
// so a NaN is never picked and an all-NaN (or all -infinity) window gives -infinity. That is the
// rule bdst's max-pool gradient (max-pool-gradient.c) follows, so forward and gradient agree; the
// stock XNNPACK kernel returns -infinity for any window holding a NaN. Window positions outside
// the input (padding) are skipped. Four channels per vector; channels past the last group of 4
// one at a time.
#include <wasm_simd128.h>

__attribute__((export_name("max_pool")))
void max_pool(const float* x, float* y, int N, int H, int W, int C, int OH, int OW, int KH, int KW, int sh, int sw,
              int top, int left) {
  const int vectorC = C & ~3;
  for (int n = 0; n < N; n++) {
    const float* image = x + (long)n * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      const int h0 = oh * sh - top;
      const int r0 = h0 < 0 ? 0 : h0;
      const int r1 = h0 + KH > H ? H : h0 + KH;
      for (int ow = 0; ow < OW; ow++) {
        const int w0 = ow * sw - left;
        const int c0 = w0 < 0 ? 0 : w0;
        const int c1 = w0 + KW > W ? W : w0 + KW;
        float* out = y + (((long)n * OH + oh) * OW + ow) * C;
        int c = 0;
        for (; c < vectorC; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          for (int r = r0; r < r1; r++)
            for (int col = c0; col < c1; col++) {
              const v128_t v = wasm_v128_load(image + ((long)r * W + col) * C + c);
              best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));
            }
          wasm_v128_store(out + c, best);
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          for (int r = r0; r < r1; r++)
            for (int col = c0; col < c1; col++) {
              const float v = image[((long)r * W + col) * C + c];
              if (v > best) best = v;
            }
          out[c] = best;
        }
      }
    }
  }
}
