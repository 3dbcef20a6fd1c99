// In-place pruning of moment buffers: the reference's random_pruning_ and magnitude_pruning_ (one
// buffer at a time), and joint variants that give a parameter's m and v one mask.
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

/**
 * Adam's epsilon in the update |m| / (sqrt(v) + eps) that {@link jointMagnitudePrune} ranks by
 * (torch's and AdamW's default); it only orders entries whose v is ~0.
 */
export const JOINT_PRUNING_EPSILON = 1e-8;

/**
 * One mask for a parameter's first moment `m` and second moment `v` (same length): keeps entry i
 * in both where the update it would make, |m_i| / (sqrt(v_i) + 1e-8), is above the `ratio`
 * quantile of those magnitudes, and zeroes it in both elsewhere (NaN scores are zeroed). Pruning
 * m and v independently, as the reference does, keeps a large m_i whose v_i may be zeroed; the
 * next update is then m_i / sqrt((1 - beta2) g_i^2), tens of times a normal step. Returns the
 * threshold.
 */
export function jointMagnitudePrune(m: Float32Array, v: Float32Array, ratio: number): number {
  checkPair(m, v);
  const score = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) {
    score[i] = Math.abs(m[i]!) / (Math.sqrt(v[i]!) + JOINT_PRUNING_EPSILON);
  }
  const threshold = quantileOfAbs(score, ratio);
  for (let i = 0; i < m.length; i++) {
    if (!(score[i]! > threshold)) {
      m[i] = 0;
      v[i] = 0;
    }
  }
  return threshold;
}

/** Keeps entry i of both `m` and `v` with probability 1 - ratio: one draw per entry, shared. */
export function jointRandomPrune(
  m: Float32Array,
  v: Float32Array,
  ratio: number,
  uniform: () => number,
): void {
  checkPair(m, v);
  for (let i = 0; i < m.length; i++) {
    if (!(uniform() > ratio)) {
      m[i] = 0;
      v[i] = 0;
    }
  }
}

function checkPair(m: Float32Array, v: Float32Array): void {
  if (m.length !== v.length) {
    throw new RangeError(
      `joint pruning: m and v must have the same length, got ${m.length} and ${v.length}`,
    );
  }
}

/** Entries equal to 0 (the reference's count after pruning). */
export function countZeros(values: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}
