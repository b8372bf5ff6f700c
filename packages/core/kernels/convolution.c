// bdst's WebAssembly SIMD forward convolution, NHWC, dilation 1, any stride and padding, with an
// optional per-channel bias and ReLU: the forward pass of every convolution layer here. Built with
// the other kernels by packages/core/scripts/build-simd-kernels.mjs; works in place on
// tfjs-backend-wasm's memory.
//
//   y[n][oh][ow][co] = act(sum over kh, kw, ci of x[n][oh*sh + kh - top][ow*sw + kw - left][ci] * w[kh][kw][ci][co] + bias[co])
//
// (input positions outside [0, H) x [0, W) are the zero padding and skipped). The filter is first
// repacked into panels wP[co / 8][kh][kw][ci][8] (pack_filter_by_output): the weights of 8 output
// channels load as two f32x4, and a tile's pass over every tap and input channel reads one
// contiguous panel. Requires co % 8 == 0; any ci. Tiles of 4 output pixels x 8 channels stay in
// eight accumulators; each element starts at its bias (0 without one) and adds the products over
// kh, kw, ci in that order, multiplying and adding (no fused multiply-add), in the edge path as in
// the inner one: the order of XNNPACK's WebAssembly SIMD convolution kernels, whose results this
// reproduces bit for bit (tfjs-backend-wasm's stock Conv2D / FusedConv2D). ReLU is then applied as
// tfjs' CPU backend does (Math.max(0, x), relu.h: a NaN stays NaN, where XNNPACK's clamp may turn
// it into 0).
#include "relu.h"
#include "tile-4x8.h"

__attribute__((export_name("pack_filter_by_output")))
void pack_filter_by_output(const float* w, float* wP, int taps, int Ci, int Co) {
  for (int t = 0; t < taps; t++)
    for (int ci = 0; ci < Ci; ci++)
      for (int co = 0; co < Co; co++) wP[(((co >> 3) * taps + t) * Ci + ci) * 8 + (co & 7)] = w[(t * Ci + ci) * Co + co];
}

// bias: a byte offset, 0 for none.
__attribute__((export_name("convolution")))
void convolution(const float* x, const float* wP, const float* bias, float* y, int N, int H, int W, int Ci,
                 int OH, int OW, int Co, int KH, int KW, int sh, int sw, int top, int left, int relu) {
  const int taps = KH * KW;
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      float* yRow = y + ((long)(n * OH + oh) * OW) * Co;
      for (int ow = 0; ow < OW; ow += 4) {
        const int count = OW - ow < 4 ? OW - ow : 4;
        for (int co = 0; co < Co; co += 8) {
          // Every pixel's sums start at the bias (0 without one), as XNNPACK's do.
          v128_t a00 = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0.f), a01 = bias ? wasm_v128_load(bias + co + 4) : a00;
          v128_t a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
          for (int kh = 0; kh < KH; kh++) {
            const int ih = oh * sh + kh - top;
            if (ih < 0 || ih >= H) continue;
            const float* xRow = x + ((long)(n * H + ih) * W) * Ci;
            for (int kw = 0; kw < KW; kw++) {
              const int iw = ow * sw + kw - left; // pixel p reads input column iw + p*sw
              const float* wt = wP + ((co >> 3) * taps + kh * KW + kw) * Ci * 8;
              if (count == 4 && iw >= 0 && iw + 3 * sw < W) {
                const float* x0 = xRow + iw * Ci;
                TILE_4X8_ACCUMULATE(Ci, wt, x0, x0 + sw * Ci, x0 + 2 * sw * Ci, x0 + 3 * sw * Ci)
              } else {
                if (count > 0 && iw >= 0 && iw < W) PIXEL_1X8_ACCUMULATE(Ci, wt, xRow + iw * Ci, a00, a01)
                if (count > 1 && iw + sw >= 0 && iw + sw < W) PIXEL_1X8_ACCUMULATE(Ci, wt, xRow + (iw + sw) * Ci, a10, a11)
                if (count > 2 && iw + 2 * sw >= 0 && iw + 2 * sw < W) PIXEL_1X8_ACCUMULATE(Ci, wt, xRow + (iw + 2 * sw) * Ci, a20, a21)
                if (count > 3 && iw + 3 * sw >= 0 && iw + 3 * sw < W) PIXEL_1X8_ACCUMULATE(Ci, wt, xRow + (iw + 3 * sw) * Ci, a30, a31)
              }
            }
          }
          if (relu) TILE_4X8_STORE(yRow + ow * Co + co, Co, count, relu_of);
          else TILE_4X8_STORE(yRow + ow * Co + co, Co, count, );
        }
      }
    }
  }
}
