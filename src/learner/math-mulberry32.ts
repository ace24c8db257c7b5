/**
 * A small seeded PRNG (mulberry32): the same seed gives the same floats on every platform, which
 * makes initial weights reproducible. Returns a function of no arguments giving floats in [0, 1).
 *
 * @param seed any integer (only its low 32 bits are used).
 *
 * ## Example
 * ```ts
 * const rand = mulberry32(42);
 * rand(); // 0.6011037519201636, always
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
