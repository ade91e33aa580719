/**
 * Seeded, serialisable random numbers for everything relgan draws: weight
 * initialisation, latent codes, data batches, interpolation factors.
 *
 * The generator is xoshiro128** (Blackman and Vigna, 2018) on four 32-bit
 * words, seeded through splitmix32. Its whole state is four integers, so a
 * checkpoint stores it exactly and a resumed run draws the same numbers as
 * one that never stopped. Numbers are drawn in JavaScript, not by a backend,
 * so they are identical on `cpu`, `wasm`, `webgpu` and `tensorflow`.
 *
 * @module
 */

/** The complete state of an {@linkcode Rng}: four unsigned 32-bit words. */
export type RngState = readonly [number, number, number, number];

/** Mixes a 32-bit value (splitmix32 finaliser); used to seed and to fork. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hashes a label to 32 bits (FNV-1a), so forks can be named. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded pseudo-random generator with an explicit, copyable state.
 *
 * @example Same seed, same numbers
 * ```ts
 * import { Rng } from "./random.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new Rng(7).uniform(3);
 * const b = new Rng(7).uniform(3);
 * assert.deepEqual(a, b);
 * ```
 */
export class Rng {
  #s: Uint32Array;

  /**
   * Creates a generator from an integer seed.
   *
   * @param seed Any integer; seeds that differ give unrelated streams.
   * @throws {TypeError} When the seed is not a finite integer.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(
        `Cannot seed Rng: seed must be an integer, current value is ${seed}`,
      );
    }
    let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    this.#s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      x = mix32(x + i);
      this.#s[i] = x;
    }
    if (this.#s.every((w) => w === 0)) this.#s[0] = 1;
  }

  /**
   * Restores a generator from {@linkcode Rng.state}.
   *
   * @param state The four words a previous generator returned.
   * @returns A generator that continues exactly where that one was.
   */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.#s.set(state);
    return rng;
  }

  /**
   * Derives an independent generator named by a label, without advancing
   * this one. `rng.fork("init")` always gives the same stream for the same
   * parent state and label.
   *
   * @param label A name for the stream, e.g. `"init"` or `"data"`.
   * @returns A new generator.
   */
  fork(label: string): Rng {
    const h = hashLabel(label);
    const child = new Rng(0);
    for (let i = 0; i < 4; i++) child.#s[i] = mix32(this.#s[i] ^ mix32(h + i));
    if (child.#s.every((w) => w === 0)) child.#s[0] = 1;
    return child;
  }

  /** @returns The state, to store in a checkpoint. */
  state(): RngState {
    return [this.#s[0], this.#s[1], this.#s[2], this.#s[3]];
  }

  /** @returns The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** @returns A float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * Draws a standard normal by the Box–Muller transform. Each draw uses two
   * uniforms and keeps no spare, so {@linkcode Rng.state} is the whole state.
   *
   * @returns A draw from N(0, 1).
   */
  nextNormal(): number {
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.nextFloat()));
    return r * Math.cos(2 * Math.PI * this.nextFloat());
  }

  /**
   * @param n How many values.
   * @param low Lower bound, inclusive.
   * @default {0} low
   * @param high Upper bound, exclusive.
   * @default {1} high
   * @returns `n` uniform draws in [low, high).
   */
  uniform(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * this.nextFloat();
    return out;
  }

  /**
   * @param n How many values.
   * @param mean The mean.
   * @default {0} mean
   * @param std The standard deviation.
   * @default {1} std
   * @returns `n` normal draws.
   */
  normal(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.nextNormal();
    return out;
  }

  /**
   * Draws an integer uniformly from [0, n) without modulo bias.
   *
   * @param n The exclusive upper bound, 1 ≤ n ≤ 2³².
   * @returns The integer.
   * @throws {RangeError} When n is not a positive integer.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      throw new RangeError(
        `Cannot draw an integer below ${n}: the bound must be an integer in [1, 2^32]`,
      );
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /**
   * @param n Length of the permutation.
   * @returns A uniformly random permutation of 0 … n−1 (Fisher–Yates).
   */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
