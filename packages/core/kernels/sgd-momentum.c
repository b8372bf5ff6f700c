// bdst's WebAssembly SIMD update of SGD with momentum and L2 weight decay for one variable, in one
// pass: what src/train/sgd-momentum.ts otherwise does with six tfjs ops per variable per step.
// Built with the other kernels by packages/core/scripts/build-simd-kernels.mjs; works in place on
// tfjs-backend-wasm's memory.
//
//   g' = g + wd·w                 (when hasDecay)
//   b' = first ? g' : mu·b + g'   (when hasMomentum; step = b', else step = g')
//   w' = w − lr·step
//
// Every operation is one float32 multiply or add, rounded as the separate tfjs ops round it (no
// fused multiply-add), so the result equals theirs bit for bit.
#include <wasm_simd128.h>

__attribute__((export_name("sgd_momentum")))
void sgd_momentum(const float* w, const float* g, const float* b, float* wOut, float* bOut, int n, float lr, float mu,
                  float wd, int hasMomentum, int hasDecay, int first) {
  const v128_t vlr = wasm_f32x4_splat(lr), vmu = wasm_f32x4_splat(mu), vwd = wasm_f32x4_splat(wd);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t wi = wasm_v128_load(w + i);
    v128_t step = wasm_v128_load(g + i);
    if (hasDecay) step = wasm_f32x4_add(step, wasm_f32x4_mul(vwd, wi));
    if (hasMomentum) {
      if (!first) step = wasm_f32x4_add(wasm_f32x4_mul(vmu, wasm_v128_load(b + i)), step);
      wasm_v128_store(bOut + i, step);
    }
    wasm_v128_store(wOut + i, wasm_f32x4_sub(wi, wasm_f32x4_mul(vlr, step)));
  }
  for (; i < n; i++) {
    float step = g[i];
    if (hasDecay) step = step + wd * w[i];
    if (hasMomentum) {
      if (!first) step = mu * b[i] + step;
      bOut[i] = step;
    }
    wOut[i] = w[i] - lr * step;
  }
}
