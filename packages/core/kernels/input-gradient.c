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
#include <wasm_simd128.h>

__attribute__((export_name("pack_filter")))
void pack_filter(const float* w, float* wP, int taps, int Ci, int Co) {
  for (int t = 0; t < taps; t++)
    for (int ci = 0; ci < Ci; ci++)
      for (int co = 0; co < Co; co++) wP[(((ci >> 3) * taps + t) * Co + co) * 8 + (ci & 7)] = w[(t * Ci + ci) * Co + co];
}

#define ACCUMULATE(A0, A1, D)                                                   \
  for (int co = 0; co < Co; co++) {                                             \
    const float* wc = wt + co * 8;                                              \
    const v128_t s = wasm_f32x4_splat((D)[co]);                                 \
    A0 = wasm_f32x4_add(A0, wasm_f32x4_mul(s, wasm_v128_load(wc)));             \
    A1 = wasm_f32x4_add(A1, wasm_f32x4_mul(s, wasm_v128_load(wc + 4)));         \
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
                const float* d1 = d0 + Co;
                const float* d2 = d1 + Co;
                const float* d3 = d2 + Co;
                for (int co = 0; co < Co; co++) {
                  const float* wc = wt + co * 8;
                  const v128_t w0 = wasm_v128_load(wc), w1 = wasm_v128_load(wc + 4);
                  const v128_t s0 = wasm_f32x4_splat(d0[co]), s1 = wasm_f32x4_splat(d1[co]);
                  const v128_t s2 = wasm_f32x4_splat(d2[co]), s3 = wasm_f32x4_splat(d3[co]);
                  a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s0, w0));
                  a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s0, w1));
                  a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s1, w0));
                  a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s1, w1));
                  a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s2, w0));
                  a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s2, w1));
                  a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s3, w0));
                  a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s3, w1));
                }
              } else {
                if (count > 0 && ow >= 0 && ow < OW) ACCUMULATE(a00, a01, dyRow + ow * Co)
                if (count > 1 && ow + 1 >= 0 && ow + 1 < OW) ACCUMULATE(a10, a11, dyRow + (ow + 1) * Co)
                if (count > 2 && ow + 2 >= 0 && ow + 2 < OW) ACCUMULATE(a20, a21, dyRow + (ow + 2) * Co)
                if (count > 3 && ow + 3 >= 0 && ow + 3 < OW) ACCUMULATE(a30, a31, dyRow + (ow + 3) * Co)
              }
            }
          }
          float* out = dxRow + iw * Ci + ci;
          wasm_v128_store(out, a00);
          wasm_v128_store(out + 4, a01);
          if (count > 1) { wasm_v128_store(out + Ci, a10); wasm_v128_store(out + Ci + 4, a11); }
          if (count > 2) { wasm_v128_store(out + 2 * Ci, a20); wasm_v128_store(out + 2 * Ci + 4, a21); }
          if (count > 3) { wasm_v128_store(out + 3 * Ci, a30); wasm_v128_store(out + 3 * Ci + 4, a31); }
        }
      }
    }
  }
}
