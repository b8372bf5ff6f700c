// bdst's WebAssembly SIMD ReLU over float32: y = Math.max(0, x) as tfjs' CPU backend computes it
// (relu.h). tfjs-backend-wasm 4.22's XNNPACK clamp turns some NaNs into 0, which hid a diverged
// training's NaNs on 'wasm'. Built with the other kernels by
// packages/core/scripts/build-simd-kernels.mjs; works in place on tfjs-backend-wasm's memory.
#include "relu.h"

__attribute__((export_name("relu")))
void relu(const float* x, float* y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, relu_of(wasm_v128_load(x + i)));
  for (; i < n; i++) wasm_v128_store32_lane(y + i, relu_of(wasm_v128_load32_zero(x + i)), 0);
}
