// bdst's native convolution kernels: the forward convolution, its input gradient (stride 1) and its
// filter gradient, with the filter packings they read, for x86-64 with AVX2 and FMA, or AVX-512,
// run on tfjs-backend-wasm's own memory (an ArrayBuffer) where the tensors are. Each kernel takes
// the arguments of the WebAssembly kernel of the same name (../kernels/{convolution,
// input-gradient,filter-gradient}.c), after the memory, and computes the same sums.
//
// Why: WebAssembly SIMD has 4-lane vectors and, in Node 20, no fused multiply-add; bdst's WASM
// kernels run at that instruction set's arithmetic peak (bench/wasm-simd-peak.ts), a fraction of
// what an x86-64 CPU does with 8- or 16-lane fused multiply-adds. Built by node-gyp (binding.gyp)
// where a C compiler and Node's headers are present; opt-in at run time (initBackend({
// nativeKernels: true }) or BDST_NATIVE_KERNELS=1), because a fused multiply-add rounds once where
// the WASM kernels round twice: results differ from the WASM kernels' in the last bits, and depend
// on the instruction set used (AVX-512 where the CPU has it and the channels are a multiple of 16,
// else AVX2). On one machine a run is bit-identical to the next: every kernel sums in a fixed
// order.
//
// Safety: WASM kernels cannot touch anything outside the WebAssembly memory; native code can.
// Every entry point checks that each tensor it reads or writes lies inside the buffer it is given,
// and throws a RangeError otherwise, before it touches any memory.
#define NAPI_VERSION 8
#include <node_api.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))

static int ceil_div_positive(int a, int b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// ReLU as tfjs' CPU backend (Math.max(0, x)): positives and NaN pass, everything else becomes +0
// (../kernels/relu.h).
__attribute__((target("avx2,fma"))) INLINE __m256 relu_avx2(__m256 v) {
  const __m256 keep = _mm256_or_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  return _mm256_and_ps(v, keep);
}
__attribute__((target("avx512f"))) INLINE __m512 relu_avx512(__m512 v) {
  const __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  return _mm512_maskz_mov_ps(keep, v);
}

// AVX2 + FMA: 8 lanes.
#define VEC __m256
#define LANES 8
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps((p), (v))
#define V_BCAST(p) _mm256_broadcast_ss(p)
#define V_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define V_ZERO() _mm256_setzero_ps()
#define V_RELU(v) relu_avx2(v)
#define KERNEL(name) name##_avx2
#define TARGET __attribute__((target("avx2,fma")))
#define MAX_PANELS 2
#include "convolution-kernels-body.h"
#undef VEC
#undef LANES
#undef V_LOAD
#undef V_STORE
#undef V_BCAST
#undef V_FMA
#undef V_ZERO
#undef V_RELU
#undef KERNEL
#undef TARGET
#undef MAX_PANELS

// AVX-512F: 16 lanes.
#define VEC __m512
#define LANES 16
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps((p), (v))
#define V_BCAST(p) _mm512_set1_ps(*(p))
#define V_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define V_ZERO() _mm512_setzero_ps()
#define V_RELU(v) relu_avx512(v)
#define KERNEL(name) name##_avx512
#define TARGET __attribute__((target("avx512f")))
#define MAX_PANELS 4
#include "convolution-kernels-body.h"

// The instruction set the kernels use: the best this CPU has, or one chosen by
// select_instruction_set (tests). Process-wide, like the addon itself.
enum { ISA_NONE = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 };
static int best_isa = ISA_NONE;
static int isa = ISA_NONE;

// Whether a kernel whose packed (or vector) channels number `channels` runs 16 lanes wide.
static int wide(int channels) { return isa == ISA_AVX512 && channels % 16 == 0; }

// ---------------------------------------------------------------------------------------------
// Node-API entry points: (memory: ArrayBuffer, ...the WASM export's arguments), pointers as byte
// offsets into memory.

#define MAX_ARGS 20

typedef struct {
  napi_env env;
  uint8_t* base;
  size_t length;
  int64_t v[MAX_ARGS];
} Call;

// Reads `argc` arguments: an ArrayBuffer, then integers in [-2^31, 2^32) (byte offsets into a
// memory of up to 4 GiB are unsigned 32-bit; sizes are int32, checked by the callers). Throws and
// returns 0 on a mismatch.
static int read_call(napi_env env, napi_callback_info info, size_t argc, const char* name, Call* call) {
  napi_value args[MAX_ARGS + 1];
  size_t got = MAX_ARGS + 1;
  char message[160];
  call->env = env;
  if (napi_get_cb_info(env, info, &got, args, NULL, NULL) != napi_ok) return 0;
  if (got != argc) {
    snprintf(message, sizeof message, "bdst native %s: expected %zu arguments, got %zu", name, argc, got);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  bool isBuffer = false;
  napi_is_arraybuffer(env, args[0], &isBuffer);
  if (!isBuffer || napi_get_arraybuffer_info(env, args[0], (void**)&call->base, &call->length) != napi_ok) {
    snprintf(message, sizeof message, "bdst native %s: argument 0 must be the WebAssembly memory's ArrayBuffer", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  for (size_t i = 1; i < argc; i++) {
    double value;
    if (napi_get_value_double(env, args[i], &value) != napi_ok || !(value >= -2147483648.0 && value < 4294967296.0) || value != (double)(int64_t)value) {
      snprintf(message, sizeof message, "bdst native %s: argument %zu must be an integer in [-2^31, 2^32)", name, i);
      napi_throw_type_error(env, NULL, message);
      return 0;
    }
    call->v[i - 1] = (int64_t)value;
  }
  return 1;
}

// Whether `count` floats at byte offset `offset` lie inside the memory (and are 4-byte aligned);
// throws a RangeError naming `what` when not.
static int inside(Call* call, const char* kernel, const char* what, int64_t offset, int64_t count) {
  if (offset >= 0 && (offset & 3) == 0 && count >= 0 && (uint64_t)offset + (uint64_t)count * 4 <= call->length) return 1;
  char message[200];
  snprintf(message, sizeof message, "bdst native %s: %s (%lld floats at byte %lld) lies outside the %zu-byte memory", kernel, what,
           (long long)count, (long long)offset, call->length);
  napi_throw_range_error(call->env, NULL, message);
  return 0;
}

// Whether arguments [first, first + count) (sizes, strides, paddings) are int32s and the sizes
// (all but the last `signedTail`, which are paddings) are not negative; throws a RangeError when not.
static int valid_sizes(Call* call, const char* kernel, int first, int count, int signedTail) {
  for (int i = first; i < first + count; i++)
    if (call->v[i] > INT32_MAX || call->v[i] < (i >= first + count - signedTail ? INT32_MIN : 0)) {
      char message[160];
      snprintf(message, sizeof message, "bdst native %s: argument %d (%lld) is not a valid size", kernel, i + 1, (long long)call->v[i]);
      napi_throw_range_error(call->env, NULL, message);
      return 0;
    }
  return 1;
}

#define F(offset) ((float*)(call.base + (offset)))

// convolution(memory, x, wP, bias, y, N, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left, relu)
static napi_value Convolution(napi_env env, napi_callback_info info) {
  Call call;
  if (!read_call(env, info, 19, "convolution", &call)) return NULL;
  const int64_t* v = call.v;
  if (!valid_sizes(&call, "convolution", 4, 13, 2)) return NULL;
  const int N = v[4], H = v[5], W = v[6], Ci = v[7], OH = v[8], OW = v[9], Co = v[10], KH = v[11], KW = v[12];
  if (v[17] != 0 && v[17] != 1) {
    napi_throw_range_error(env, NULL, "bdst native convolution: relu must be 0 or 1");
    return NULL;
  }
  if (Co % 8 != 0 || v[13] < 1 || v[14] < 1) {
    napi_throw_range_error(env, NULL, "bdst native convolution: output channels must be a multiple of 8 and strides at least 1");
    return NULL;
  }
  if (!inside(&call, "convolution", "x", v[0], (int64_t)N * H * W * Ci) || !inside(&call, "convolution", "packed filter", v[1], (int64_t)KH * KW * Ci * Co) ||
      (v[2] != 0 && !inside(&call, "convolution", "bias", v[2], Co)) || !inside(&call, "convolution", "y", v[3], (int64_t)N * OH * OW * Co))
    return NULL;
  (wide(Co) ? convolution_avx512 : convolution_avx2)(F(v[0]), F(v[1]), v[2] == 0 ? NULL : F(v[2]), F(v[3]), N, H, W, Ci, OH, OW, Co, KH, KW,
                                                      v[13], v[14], v[15], v[16], v[17]);
  return NULL;
}

// input_gradient_s1(memory, dy, wP, dx, N, H, W, Ci, OH, OW, Co, KH, KW, top, left)
static napi_value InputGradientS1(napi_env env, napi_callback_info info) {
  Call call;
  if (!read_call(env, info, 15, "input_gradient_s1", &call)) return NULL;
  const int64_t* v = call.v;
  if (!valid_sizes(&call, "input_gradient_s1", 3, 11, 2)) return NULL;
  const int N = v[3], H = v[4], W = v[5], Ci = v[6], OH = v[7], OW = v[8], Co = v[9], KH = v[10], KW = v[11];
  if (Ci % 8 != 0) {
    napi_throw_range_error(env, NULL, "bdst native input_gradient_s1: input channels must be a multiple of 8");
    return NULL;
  }
  if (!inside(&call, "input_gradient_s1", "dy", v[0], (int64_t)N * OH * OW * Co) ||
      !inside(&call, "input_gradient_s1", "packed filter", v[1], (int64_t)KH * KW * Ci * Co) ||
      !inside(&call, "input_gradient_s1", "dx", v[2], (int64_t)N * H * W * Ci))
    return NULL;
  (wide(Ci) ? input_gradient_s1_avx512 : input_gradient_s1_avx2)(F(v[0]), F(v[1]), F(v[2]), N, H, W, Ci, OH, OW, Co, KH, KW, v[12], v[13]);
  return NULL;
}

// filter_gradient(memory, x, dy, dw, N, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left)
static napi_value FilterGradient(napi_env env, napi_callback_info info) {
  Call call;
  if (!read_call(env, info, 17, "filter_gradient", &call)) return NULL;
  const int64_t* v = call.v;
  if (!valid_sizes(&call, "filter_gradient", 3, 13, 2)) return NULL;
  const int N = v[3], H = v[4], W = v[5], Ci = v[6], OH = v[7], OW = v[8], Co = v[9], KH = v[10], KW = v[11];
  if (Co % 8 != 0 || v[12] < 1 || v[13] < 1) {
    napi_throw_range_error(env, NULL, "bdst native filter_gradient: output channels must be a multiple of 8 and strides at least 1");
    return NULL;
  }
  if (!inside(&call, "filter_gradient", "x", v[0], (int64_t)N * H * W * Ci) || !inside(&call, "filter_gradient", "dy", v[1], (int64_t)N * OH * OW * Co) ||
      !inside(&call, "filter_gradient", "dw", v[2], (int64_t)KH * KW * Ci * Co))
    return NULL;
  (wide(Co) ? filter_gradient_avx512 : filter_gradient_avx2)(F(v[0]), F(v[1]), F(v[2]), N, H, W, Ci, OH, OW, Co, KH, KW, v[12], v[13], v[14],
                                                              v[15]);
  return NULL;
}

// pack_filter_by_output / pack_filter(memory, w, wP, taps, Ci, Co): the panels the forward
// convolution (by output channel) or the input gradient (by input channel) reads, 16 wide where
// that kernel runs with AVX-512, else 8 wide as the WASM kernels' (the same size either way).
static napi_value pack(napi_env env, napi_callback_info info, int byInput) {
  const char* name = byInput ? "pack_filter" : "pack_filter_by_output";
  Call call;
  if (!read_call(env, info, 6, name, &call)) return NULL;
  const int64_t* v = call.v;
  if (!valid_sizes(&call, name, 2, 3, 0)) return NULL;
  const int taps = v[2], Ci = v[3], Co = v[4];
  if ((byInput ? Ci : Co) % 8 != 0) {
    napi_throw_range_error(env, NULL, byInput ? "bdst native pack_filter: input channels must be a multiple of 8" : "bdst native pack_filter_by_output: output channels must be a multiple of 8");
    return NULL;
  }
  if (!inside(&call, name, "w", v[0], (int64_t)taps * Ci * Co) || !inside(&call, name, "packed filter", v[1], (int64_t)taps * Ci * Co)) return NULL;
  (wide(byInput ? Ci : Co) ? pack_filter_avx512 : pack_filter_avx2)(F(v[0]), F(v[1]), taps, Ci, Co, byInput);
  return NULL;
}
static napi_value PackFilterByOutput(napi_env env, napi_callback_info info) { return pack(env, info, 0); }
static napi_value PackFilter(napi_env env, napi_callback_info info) { return pack(env, info, 1); }

static const char* isa_name(int which) { return which == ISA_AVX512 ? "avx512" : which == ISA_AVX2 ? "avx2" : "none"; }

// instructionSet(): the instruction set the kernels use now ('avx512' or 'avx2').
static napi_value InstructionSet(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value name;
  napi_create_string_utf8(env, isa_name(isa), NAPI_AUTO_LENGTH, &name);
  return name;
}

// selectInstructionSet(name): 'avx2', or 'avx512' where the CPU has it (for tests of both paths;
// process-wide). Throws on anything else.
static napi_value SelectInstructionSet(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  char name[16] = {0};
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, &arg, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_string_utf8(env, arg, name, sizeof name, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "bdst native selectInstructionSet: expected one string, 'avx2' or 'avx512'");
    return NULL;
  }
  if (strcmp(name, "avx2") == 0) isa = ISA_AVX2;
  else if (strcmp(name, "avx512") == 0 && best_isa == ISA_AVX512) isa = ISA_AVX512;
  else {
    char message[160];
    snprintf(message, sizeof message, "bdst native selectInstructionSet: '%s' is not available here (this CPU's best: %s)", name, isa_name(best_isa));
    napi_throw_range_error(env, NULL, message);
  }
  return NULL;
}

// exports: { available: boolean, reason: string, and where available the kernels, the packings,
// instructionSet() and selectInstructionSet(name) }
NAPI_MODULE_INIT() {
  __builtin_cpu_init();
  const int supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  best_isa = !supported ? ISA_NONE : __builtin_cpu_supports("avx512f") ? ISA_AVX512 : ISA_AVX2;
  isa = best_isa;
  napi_value flag, reason;
  napi_get_boolean(env, supported, &flag);
  napi_set_named_property(env, exports, "available", flag);
  napi_create_string_utf8(env, supported ? (best_isa == ISA_AVX512 ? "AVX-512" : "AVX2 and FMA") : "this CPU lacks AVX2 or FMA", NAPI_AUTO_LENGTH, &reason);
  napi_set_named_property(env, exports, "reason", reason);
  if (!supported) return exports;
  const napi_property_descriptor functions[] = {
    {"convolution", NULL, Convolution, NULL, NULL, NULL, napi_enumerable, NULL},
    {"input_gradient_s1", NULL, InputGradientS1, NULL, NULL, NULL, napi_enumerable, NULL},
    {"filter_gradient", NULL, FilterGradient, NULL, NULL, NULL, napi_enumerable, NULL},
    {"pack_filter_by_output", NULL, PackFilterByOutput, NULL, NULL, NULL, napi_enumerable, NULL},
    {"pack_filter", NULL, PackFilter, NULL, NULL, NULL, napi_enumerable, NULL},
    {"instructionSet", NULL, InstructionSet, NULL, NULL, NULL, napi_enumerable, NULL},
    {"selectInstructionSet", NULL, SelectInstructionSet, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
