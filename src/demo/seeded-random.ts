/** A source of numbers in [0, 1), like Math.random. */
export type Rng = () => number;

/**
 * mulberry32, a small, fast, seedable PRNG (public domain): the demo and the benchmark need the same data on
 * every run, not cryptographic randomness.
 */
export function mulberry32(seed: number): Rng {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
