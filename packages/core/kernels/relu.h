#pragma once
// ReLU as tfjs' CPU backend computes it, Math.max(0, x): positives and NaN pass through (a NaN
// keeps its bits), everything else (negatives, -0) becomes +0. Shared by convolution.c (fused
// ReLU) and relu.c.
#include <wasm_simd128.h>

static inline v128_t relu_of(v128_t v) {
  const v128_t keep = wasm_v128_or(wasm_f32x4_gt(v, wasm_f32x4_splat(0.f)), wasm_f32x4_ne(v, v));
  return wasm_v128_and(v, keep);
}
