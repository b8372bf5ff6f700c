#pragma once
// The register tile that bdst's convolution and input-gradient kernels share: 4 pixels x 8
// channels in eight f32x4 accumulators a00, a01 (pixel 0, channels 0-3 and 4-7) ... a30, a31,
// declared by the including function. Both sum over K in order with a multiply and an add (no
// fused multiply-add); weights come from a packed panel with 8 channels per step.
#include <wasm_simd128.h>

// Adds sum over k < K of P0[k]..P3[k] (one value per pixel) times the 8 weights W[8k .. 8k+7] to
// the tile's accumulators.
#define TILE_4X8_ACCUMULATE(K, W, P0, P1, P2, P3)                                \
  for (int k = 0; k < (K); k++) {                                                \
    const float* wk = (W) + k * 8;                                               \
    const v128_t w0 = wasm_v128_load(wk), w1 = wasm_v128_load(wk + 4);           \
    const v128_t s0 = wasm_f32x4_splat((P0)[k]), s1 = wasm_f32x4_splat((P1)[k]); \
    const v128_t s2 = wasm_f32x4_splat((P2)[k]), s3 = wasm_f32x4_splat((P3)[k]); \
    a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s0, w0));                           \
    a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s0, w1));                           \
    a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s1, w0));                           \
    a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s1, w1));                           \
    a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s2, w0));                           \
    a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s2, w1));                           \
    a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s3, w0));                           \
    a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s3, w1));                           \
  }

// The same for one pixel (the tile's edge), into accumulators A0, A1.
#define PIXEL_1X8_ACCUMULATE(K, W, P, A0, A1)                                    \
  for (int k = 0; k < (K); k++) {                                                \
    const float* wk = (W) + k * 8;                                               \
    const v128_t s = wasm_f32x4_splat((P)[k]);                                   \
    A0 = wasm_f32x4_add(A0, wasm_f32x4_mul(s, wasm_v128_load(wk)));              \
    A1 = wasm_f32x4_add(A1, wasm_f32x4_mul(s, wasm_v128_load(wk + 4)));          \
  }

// Stores the first `count` (1 to 4) pixels of the tile at OUT, pixels `stride` floats apart, each
// through ACT (a function or macro of one v128_t).
#define TILE_4X8_STORE(OUT, stride, count, ACT)                                                       \
  do {                                                                                                \
    wasm_v128_store((OUT), ACT(a00));                                                                 \
    wasm_v128_store((OUT) + 4, ACT(a01));                                                             \
    if ((count) > 1) { wasm_v128_store((OUT) + (stride), ACT(a10)); wasm_v128_store((OUT) + (stride) + 4, ACT(a11)); } \
    if ((count) > 2) { wasm_v128_store((OUT) + 2 * (stride), ACT(a20)); wasm_v128_store((OUT) + 2 * (stride) + 4, ACT(a21)); } \
    if ((count) > 3) { wasm_v128_store((OUT) + 3 * (stride), ACT(a30)); wasm_v128_store((OUT) + 3 * (stride) + 4, ACT(a31)); } \
  } while (0)
