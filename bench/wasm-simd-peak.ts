/**
 * The most arithmetic WebAssembly SIMD can do on one core of this machine, next to what bdst's
 * forward convolution kernel does: whether a faster WASM kernel could still close a gap to
 * PyTorch, or whether the instruction set is the limit. Not part of `npm run bench` (issue 8
 * evidence).
 *
 *   node --conditions source --import tsx bench/wasm-simd-peak.ts [--seconds 2] [--rounds 3]
 *
 * The peak loop is a module built here byte by byte: 12 independent f32x4 accumulators, each
 * `acc = acc * x + y` per iteration (a multiply, then an add, as bdst's kernels do: 8 FLOP per
 * pair; x = y = 0.5, so every value stays near 1, never a denormal), no memory access, so nothing
 * but the SIMD units limits it. (With `acc + x * y` V8 would compute the loop-invariant product
 * once.) When this V8
 * accepts the relaxed-SIMD proposal (Node 20 only behind `--experimental-wasm-relaxed-simd`,
 * which this script sets for itself) the same loop runs with `f32x4.relaxed_madd`, a fused
 * multiply-add on a CPU with FMA. Then `tf.conv2d` on the WASM backend with bdst's kernels times
 * the 3×3 convolutions of smallCnn 64-128-256 at batch 64; GFLOP/s counts 2 × multiply-adds.
 * Each figure is the best of `--rounds`, one core, one thread.
 */
import v8 from 'node:v8';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}
const seconds = Number(argument('seconds', '2'));
const rounds = Number(argument('rounds', '3'));
for (const [flag, value] of [['seconds', seconds], ['rounds', rounds]] as const) {
  if (!(value > 0)) throw new Error(`wasm-simd-peak: --${flag} must be a positive number, but got ${value}`);
}

/** The WebAssembly JS API, as far as this uses it (the project's `lib` has no WebAssembly types). */
const webAssembly = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: Record<string, unknown> }; validate(bytes: Uint8Array): boolean };
}).WebAssembly;

const ACCUMULATORS = 12;

/** Unsigned LEB128, as WebAssembly encodes sizes and indices. */
function leb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const f32 = (value: number): number[] => [...new Uint8Array(new Float32Array([value]).buffer)];

/**
 * `peak(n: i32) -> f32`: n iterations of the 12 accumulators' update, then lane 0 of their sum
 * (so the loop's results are used). `fused`: `relaxed_madd(acc, x, y)` instead of
 * `add(mul(acc, x), y)`.
 */
function peakModule(fused: boolean): Uint8Array {
  const x = ACCUMULATORS + 1;
  const y = ACCUMULATORS + 2;
  const body: number[] = [1, ...leb(ACCUMULATORS + 2), 0x7b]; // locals 1..14: v128
  for (const [local, value] of [[x, 0.5], [y, 0.5]] as const) body.push(0x43, ...f32(value), 0xfd, ...leb(0x13), 0x21, local); // f32.const, f32x4.splat, local.set
  for (let i = 1; i <= ACCUMULATORS; i++) body.push(0x43, ...f32(i), 0xfd, ...leb(0x13), 0x21, i);
  body.push(0x03, 0x40); // loop
  for (let i = 1; i <= ACCUMULATORS; i++) {
    if (fused) body.push(0x20, i, 0x20, x, 0x20, y, 0xfd, ...leb(0x105), 0x21, i); // f32x4.relaxed_madd
    else body.push(0x20, i, 0x20, x, 0xfd, ...leb(0xe6), 0x20, y, 0xfd, ...leb(0xe4), 0x21, i); // f32x4.mul, then f32x4.add
  }
  body.push(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n = n - 1; br_if n != 0; end
  body.push(0x20, 1);
  for (let i = 2; i <= ACCUMULATORS; i++) body.push(0x20, i, 0xfd, ...leb(0xe4));
  body.push(0xfd, ...leb(0x1f), 0, 0x0b); // f32x4.extract_lane 0; end
  const code = [...leb(body.length), ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]), // (i32) -> f32
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...Buffer.from('peak'), 0x00, 0]),
    ...section(10, [1, ...code]),
  ]);
}

/** Best GFLOP/s of `peak` over the rounds, each round iterating for about `seconds`. */
function timePeak(bytes: Uint8Array): number {
  const peak = new webAssembly.Instance(new webAssembly.Module(bytes)).exports.peak as (n: number) => number;
  peak(1e6); // compiled by the optimizing tier before timing
  let n = 1e6;
  let start = performance.now();
  peak(n);
  n = Math.max(1, Math.round((n * seconds * 1000) / (performance.now() - start)));
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    start = performance.now();
    peak(n);
    best = Math.max(best, (n * ACCUMULATORS * 8) / ((performance.now() - start) / 1000) / 1e9);
  }
  return best;
}

v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); // accepted from Node 20 on; the default from V8 11.4
const unfused = timePeak(peakModule(false));
const fusedBytes = peakModule(true);
const fused = webAssembly.validate(fusedBytes) ? timePeak(fusedBytes) : null;
console.log(`WebAssembly SIMD peak, one core: multiply + add ${unfused.toFixed(1)} GFLOP/s; relaxed_madd ${fused === null ? 'not supported by this V8' : `${fused.toFixed(1)} GFLOP/s`}`);

const tf = await import('@tensorflow/tfjs-core');
const { initBackend } = await import('@bdst/core');
await initBackend({ backend: 'wasm', threads: 1, quiet: true });
console.log('\nbdst forward convolution (tf.conv2d, 3×3, same padding, batch 64, one WASM thread):');
console.log('| input | filters | ms | GFLOP/s | share of the multiply + add peak |');
console.log('|---|---:|---:|---:|---:|');
for (const [size, inChannels, outChannels] of [[32, 64, 64], [16, 64, 128], [16, 128, 128], [8, 128, 256], [8, 256, 256]]) {
  const input = tf.randomUniform([64, size, size, inChannels], 0, 1, 'float32', 1) as import('@tensorflow/tfjs-core').Tensor4D;
  const filter = tf.randomUniform([3, 3, inChannels, outChannels], -0.1, 0.1, 'float32', 2) as import('@tensorflow/tfjs-core').Tensor4D;
  let best = Infinity;
  for (let r = 0; r < rounds + 1; r++) {
    const start = performance.now();
    const output = tf.conv2d(input, filter, 1, 'same');
    output.dataSync();
    best = Math.min(best, performance.now() - start);
    output.dispose();
  }
  const gflops = (2 * 64 * size * size * 9 * inChannels * outChannels) / (best / 1000) / 1e9;
  console.log(`| 64×${size}×${size}×${inChannels} | ${outChannels} | ${best.toFixed(1)} | ${gflops.toFixed(1)} | ${((100 * gflops) / unfused).toFixed(0)} % |`);
  tf.dispose([input, filter]);
}
