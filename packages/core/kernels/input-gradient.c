// bdst's WebAssembly SIMD input gradient of a stride-1, dilation-1 NHWC convolution (any padding).
// Built with filter-gradient.c by packages/core/scripts/build-simd-kernels.mjs; works in place on
// tfjs-backend-wasm's memory.
//
//   dx[n][ih][iw][ci] = sum over kh, kw, co of dy[n][ih + top - kh][iw + left - kw][co] * w[kh][kw][ci][co]
//
// (dy positions outside [0, OH) x [0, OW) are skipped). The filter is first repacked into panels
// wP[ci / 8][kh][kw][co][8] (pack_filter): the weights of 8 input channels load as two f32x4, and
// a tile's pass over every tap and output channel reads one contiguous panel. Requires
// ci % 8 == 0. Tiles of 4 input pixels x 8 channels stay in eight accumulators over every tap and
// output channel; each element sums over kh, kw, co in that order, multiplies and adds (no fused
// multiply-add), in the edge path as in the inner one.
#include "tile-4x8.h"

__attribute__((export_name("pack_filter")))
void pack_filter(const float* w, float* wP, int taps, int Ci, int Co) {
  for (int t = 0; t < taps; t++)
    for (int ci = 0; ci < Ci; ci++)
      for (int co = 0; co < Co; co++) wP[(((ci >> 3) * taps + t) * Co + co) * 8 + (ci & 7)] = w[(t * Ci + ci) * Co + co];
}

__attribute__((export_name("input_gradient_s1")))
void input_gradient_s1(const float* dy, const float* wP, float* dx, int N, int H, int W, int Ci,
                       int OH, int OW, int Co, int KH, int KW, int top, int left) {
  for (int n = 0; n < N; n++) {
    for (int ih = 0; ih < H; ih++) {
      float* dxRow = dx + ((long)(n * H + ih) * W) * Ci;
      for (int iw = 0; iw < W; iw += 4) {
        const int count = W - iw < 4 ? W - iw : 4;
        for (int ci = 0; ci < Ci; ci += 8) {
          v128_t a00 = wasm_f32x4_splat(0.f), a01 = a00, a10 = a00, a11 = a00;
          v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
          for (int kh = 0; kh < KH; kh++) {
            const int oh = ih + top - kh;
            if (oh < 0 || oh >= OH) continue;
            const float* dyRow = dy + ((long)(n * OH + oh) * OW) * Co;
            for (int kw = 0; kw < KW; kw++) {
              const int ow = iw + left - kw; // pixel p reads dy column ow + p
              const float* wt = wP + (((ci >> 3) * KH + kh) * KW + kw) * Co * 8;
              if (count == 4 && ow >= 0 && ow + 3 < OW) {
                const float* d0 = dyRow + ow * Co;
                TILE_4X8_ACCUMULATE(Co, wt, d0, d0 + Co, d0 + 2 * Co, d0 + 3 * Co)
              } else {
                if (count > 0 && ow >= 0 && ow < OW) PIXEL_1X8_ACCUMULATE(Co, wt, dyRow + ow * Co, a00, a01)
                if (count > 1 && ow + 1 >= 0 && ow + 1 < OW) PIXEL_1X8_ACCUMULATE(Co, wt, dyRow + (ow + 1) * Co, a10, a11)
                if (count > 2 && ow + 2 >= 0 && ow + 2 < OW) PIXEL_1X8_ACCUMULATE(Co, wt, dyRow + (ow + 2) * Co, a20, a21)
                if (count > 3 && ow + 3 >= 0 && ow + 3 < OW) PIXEL_1X8_ACCUMULATE(Co, wt, dyRow + (ow + 3) * Co, a30, a31)
              }
            }
          }
          TILE_4X8_STORE(dxRow + iw * Ci + ci, Ci, count, );
        }
      }
    }
  }
}
