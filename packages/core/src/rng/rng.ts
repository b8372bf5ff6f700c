import seedrandom from 'seedrandom';

/**
 * The serialisable state of an {@link Rng}: its seed path and the generator's internal state.
 * Saved in checkpoints so a resumed run draws exactly the numbers it would have drawn.
 */
export interface RngState {
  /** The seed path, e.g. `"42/augment/epoch-3"`. */
  readonly seed: string;
  /** The Alea generator's state (three floats and a carry), as seedrandom exports it. */
  readonly alea: { c: number; s0: number; s1: number; s2: number };
}

/**
 * An explicit, seeded stream of random numbers (seedrandom's Alea generator).
 *
 * Every stochastic function in bdst takes an `Rng`; nothing reads `Math.random`. Split a stream
 * with {@link Rng.fork} so unrelated consumers (shuffling, augmentation, poisoning) never share
 * one: a fork depends only on the parent's seed path and the label, not on how many numbers the
 * parent has drawn, so adding a draw in one place never changes another consumer's numbers.
 */
export interface Rng {
  /** The seed path this stream was created from (`"42"`, `"42/poison"`, …). */
  readonly seed: string;
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number;
  /** A uniform integer in [0, maxExclusive); `maxExclusive` must be a positive integer. */
  int(maxExclusive: number): number;
  /** A normal draw (Box–Muller) with the given mean and standard deviation. */
  normal(mean?: number, std?: number): number;
  /** `true` with probability `p` (p in [0, 1]). */
  bernoulli(p: number): boolean;
  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffleInPlace<T extends { length: number; [i: number]: unknown }>(array: T): T;
  /**
   * A non-zero 31-bit integer for tfjs ops that take a `seed` (`tf.randomNormal` treats 0 as
   * "unseeded" and falls back to `Math.random`, so 0 is never returned).
   */
  tfSeed(): number;
  /** An independent stream whose seed path is `${seed}/${label}`. Does not advance this stream. */
  fork(label: string | number): Rng;
  /** The state to save in a checkpoint; {@link restoreRng} continues from it exactly. */
  state(): RngState;
}

class AleaRng implements Rng {
  readonly seed: string;
  private readonly prng: seedrandom.PRNG;

  constructor(seed: string, state?: RngState['alea']) {
    this.seed = seed;
    // `state: true` lets us export/import the generator state for checkpoints.
    this.prng = state
      ? seedrandom.alea('', { state: { ...state } })
      : seedrandom.alea(seed, { state: true });
  }

  next(): number {
    return this.prng();
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.prng();
  }

  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) {
      throw new RangeError(`Rng.int: maxExclusive must be a positive integer, got ${maxExclusive}`);
    }
    return Math.floor(this.prng() * maxExclusive);
  }

  normal(mean = 0, std = 1): number {
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.prng();
    const v = this.prng();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Rng.bernoulli: p must be in [0, 1], got ${p}`);
    return this.prng() < p;
  }

  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Rng.permutation: n must be a non-negative integer, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffleInPlace(out);
  }

  shuffleInPlace<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  tfSeed(): number {
    return 1 + Math.floor(this.prng() * 0x7ffffffe);
  }

  fork(label: string | number): Rng {
    return new AleaRng(`${this.seed}/${label}`);
  }

  state(): RngState {
    const s = (this.prng as unknown as { state(): unknown }).state() as RngState['alea'];
    return { seed: this.seed, alea: { c: s.c, s0: s.s0, s1: s.s1, s2: s.s2 } };
  }
}

/**
 * Creates a seeded random stream. The same seed gives the same numbers on every platform and
 * backend (the generator runs on the host, in JavaScript doubles).
 *
 * @param seed any integer or string; `createRng(0)` and `createRng('0')` are the same stream.
 */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`createRng: seed must be a finite number or a string, got ${seed}`);
  }
  return new AleaRng(String(seed));
}

/** Recreates a stream from {@link Rng.state}; it continues exactly where the saved one stopped. */
export function restoreRng(state: RngState): Rng {
  if (!state || typeof state.seed !== 'string' || !state.alea) {
    throw new TypeError('restoreRng: state must be an object returned by Rng.state()');
  }
  return new AleaRng(state.seed, state.alea);
}
