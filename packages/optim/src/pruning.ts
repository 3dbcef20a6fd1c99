// In-place pruning of a moment buffer, as the reference's random_pruning_ and magnitude_pruning_.
import { quantileOfAbs } from './quantile';

/**
 * Zeroes every entry whose magnitude is not above quantile(|values|, ratio) (the reference's mask
 * `|x| > threshold`, so NaN entries are zeroed too). Returns the threshold.
 */
export function magnitudePrune(values: Float32Array, ratio: number): number {
  const threshold = quantileOfAbs(values, ratio);
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i]!) > threshold)) values[i] = 0;
  }
  return threshold;
}

/** Keeps each entry with probability 1 - ratio (kept when a uniform draw is > ratio, as the reference). */
export function randomPrune(values: Float32Array, ratio: number, uniform: () => number): void {
  for (let i = 0; i < values.length; i++) {
    if (!(uniform() > ratio)) values[i] = 0;
  }
}

/** Entries equal to 0 (the reference's count after pruning). */
export function countZeros(values: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}
