// bdst's WebAssembly SIMD passes of training-mode BatchNorm over NHWC activations [rows, C] (rows =
// N·H·W). Built with the other kernels by packages/core/scripts/build-simd-kernels.mjs; works in
// place on tfjs-backend-wasm's memory. src/backend/kernels/batch-norm-training.ts computes the
// per-channel factors between the passes and keeps the same passes in JavaScript, which these
// equal bit for bit: every value is widened to float64 and summed or combined in the same order.
//
// The sums walk blocks of `rowBlock` rows (kept in the L1 cache) once per group of 4 channels,
// each channel's block sum in its own float64 lane, then add the block sum to the channel's total:
// the order of the JavaScript loop, one channel per lane. Channels past the last group of 4 take
// the same loop one at a time.
#include <wasm_simd128.h>

// The two float64 lanes of a float32 vector's low (lanes 0, 1) and high (2, 3) halves.
static inline v128_t low_f64(v128_t v) { return wasm_f64x2_promote_low_f32x4(v); }
static inline v128_t high_f64(v128_t v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)); }
// Two float64 vectors narrowed to one float32 vector (round to nearest, as a Float32Array store).
static inline v128_t to_f32(v128_t lo, v128_t hi) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// sums[c] = Σ x[r][c], sums[C + c] = Σ x[r][c]², in float64 (sums: 2C doubles, overwritten).
__attribute__((export_name("batch_norm_sums")))
void batch_norm_sums(const float* x, double* sums, int rows, int C, int rowBlock) {
  double* squares = sums + C;
  for (int c = 0; c < 2 * C; c++) sums[c] = 0;
  for (int r0 = 0; r0 < rows; r0 += rowBlock) {
    const int r1 = rows - r0 < rowBlock ? rows : r0 + rowBlock;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0, q0 = s0, q1 = s0;
      for (int r = r0; r < r1; r++) {
        const v128_t v = wasm_v128_load(x + (long)r * C + c);
        const v128_t v0 = low_f64(v), v1 = high_f64(v);
        s0 = wasm_f64x2_add(s0, v0);
        s1 = wasm_f64x2_add(s1, v1);
        q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(v0, v0));
        q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(v1, v1));
      }
      wasm_v128_store(sums + c, wasm_f64x2_add(wasm_v128_load(sums + c), s0));
      wasm_v128_store(sums + c + 2, wasm_f64x2_add(wasm_v128_load(sums + c + 2), s1));
      wasm_v128_store(squares + c, wasm_f64x2_add(wasm_v128_load(squares + c), q0));
      wasm_v128_store(squares + c + 2, wasm_f64x2_add(wasm_v128_load(squares + c + 2), q1));
    }
    for (; c < C; c++) {
      double s = 0, q = 0;
      for (int r = r0; r < r1; r++) {
        const double v = x[(long)r * C + c];
        s += v;
        q += v * v;
      }
      sums[c] += s;
      squares[c] += q;
    }
  }
}

// y[r][c] = x[r][c]·factor[c] + shift[c], in float64, rounded once to float32.
__attribute__((export_name("batch_norm_affine")))
void batch_norm_affine(const float* x, const float* factor, const float* shift, float* y, int rows, int C) {
  const int vectorC = C & ~3;
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    int c = 0;
    for (; c < vectorC; c += 4) {
      const v128_t v = wasm_v128_load(xr + c), f = wasm_v128_load(factor + c), b = wasm_v128_load(shift + c);
      const v128_t lo = wasm_f64x2_add(wasm_f64x2_mul(low_f64(v), low_f64(f)), low_f64(b));
      const v128_t hi = wasm_f64x2_add(wasm_f64x2_mul(high_f64(v), high_f64(f)), high_f64(b));
      wasm_v128_store(yr + c, to_f32(lo, hi));
    }
    for (; c < C; c++) yr[c] = (float)((double)xr[c] * factor[c] + shift[c]);
  }
}

// sums[c] = Σ dy[r][c], sums[C + c] = Σ dy[r][c]·(x[r][c] − mean[c]), in float64 (2C doubles, overwritten).
__attribute__((export_name("batch_norm_gradient_sums")))
void batch_norm_gradient_sums(const float* dy, const float* x, const float* mean, double* sums, int rows, int C, int rowBlock) {
  double* centered = sums + C;
  for (int c = 0; c < 2 * C; c++) sums[c] = 0;
  for (int r0 = 0; r0 < rows; r0 += rowBlock) {
    const int r1 = rows - r0 < rowBlock ? rows : r0 + rowBlock;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      const v128_t m = wasm_v128_load(mean + c), m0 = low_f64(m), m1 = high_f64(m);
      v128_t s0 = wasm_f64x2_splat(0), s1 = s0, q0 = s0, q1 = s0;
      for (int r = r0; r < r1; r++) {
        const v128_t g = wasm_v128_load(dy + (long)r * C + c), v = wasm_v128_load(x + (long)r * C + c);
        const v128_t g0 = low_f64(g), g1 = high_f64(g);
        s0 = wasm_f64x2_add(s0, g0);
        s1 = wasm_f64x2_add(s1, g1);
        q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(g0, wasm_f64x2_sub(low_f64(v), m0)));
        q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(g1, wasm_f64x2_sub(high_f64(v), m1)));
      }
      wasm_v128_store(sums + c, wasm_f64x2_add(wasm_v128_load(sums + c), s0));
      wasm_v128_store(sums + c + 2, wasm_f64x2_add(wasm_v128_load(sums + c + 2), s1));
      wasm_v128_store(centered + c, wasm_f64x2_add(wasm_v128_load(centered + c), q0));
      wasm_v128_store(centered + c + 2, wasm_f64x2_add(wasm_v128_load(centered + c + 2), q1));
    }
    for (; c < C; c++) {
      const double m = mean[c];
      double s = 0, q = 0;
      for (int r = r0; r < r1; r++) {
        const double g = dy[(long)r * C + c];
        s += g;
        q += g * ((double)x[(long)r * C + c] - m);
      }
      sums[c] += s;
      centered[c] += q;
    }
  }
}

// dx[r][c] = onDy[c]·dy[r][c] + onX[c]·x[r][c] + constant[c], in float64, rounded once to float32.
__attribute__((export_name("batch_norm_gradient_dx")))
void batch_norm_gradient_dx(const float* dy, const float* x, const float* onDy, const float* onX, const float* constant,
                            float* dx, int rows, int C) {
  const int vectorC = C & ~3;
  for (long r = 0; r < rows; r++) {
    const float* gr = dy + r * C;
    const float* xr = x + r * C;
    float* out = dx + r * C;
    int c = 0;
    for (; c < vectorC; c += 4) {
      const v128_t g = wasm_v128_load(gr + c), v = wasm_v128_load(xr + c);
      const v128_t a = wasm_v128_load(onDy + c), b = wasm_v128_load(onX + c), k = wasm_v128_load(constant + c);
      const v128_t lo = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(low_f64(a), low_f64(g)), wasm_f64x2_mul(low_f64(b), low_f64(v))), low_f64(k));
      const v128_t hi = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(high_f64(a), high_f64(g)), wasm_f64x2_mul(high_f64(b), high_f64(v))), high_f64(k));
      wasm_v128_store(out + c, to_f32(lo, hi));
    }
    for (; c < C; c++) out[c] = (float)((double)onDy[c] * gr[c] + (double)onX[c] * xr[c] + constant[c]);
  }
}
