// ReLoRA's partial optimizer reset: prune m and v of chosen variables in place, and count what was zeroed.

import { mulberry32 } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  countZeros,
  jointMagnitudePrune,
  jointRandomPrune,
  magnitudePrune,
  randomPrune,
} from './pruning';
import { readFloat32Copies } from './read-values';

/** 'zero': full reset; 'random': keep each entry with probability 1 - ratio; 'magnitude': per tensor, zero |x| <= quantile(|x|, ratio). */
export type ResetMode = 'zero' | 'random' | 'magnitude';

/**
 * How 'random' and 'magnitude' mask a parameter's two moments. 'independent': m and v each get
 * their own mask (the reference's `optimizer_reset`, which prunes `exp_avg` and `exp_avg_sq` one
 * after the other); 'joint': one mask for both, so no entry keeps m while losing v ('magnitude'
 * then ranks entries by the update |m| / (sqrt(v) + 1e-8)).
 */
export type PruningMask = 'independent' | 'joint';

/** Options of {@link resetOptimizerState}. */
export interface ResetOptions {
  mode: ResetMode;
  /** Fraction to prune, in [0, 1]; required for 'random' and 'magnitude' (paper: magnitude 0.99). */
  ratio?: number;
  /** Seed of random pruning (one stream over all tensors, in order). Default 0. */
  seed?: number;
  /** Masks of m and v: the reference's 'independent' (default) or 'joint'; ignored by 'zero'. */
  mask?: PruningMask;
}

/** What a reset did. */
export interface ResetResult {
  /** Moment entries equal to 0 after the reset (the reference's count), over the reset tensors. */
  zeroed: number;
  /** All entries of the reset tensors (m and v of every variable that had state). */
  total: number;
  /** Moment tensors reset (2 per variable with state). */
  tensors: number;
  /** Variables given that had no optimizer state yet (never updated), left alone. */
  skipped: number;
}

/** Any optimizer whose per-variable moments can be reached, e.g. {@link AdamW}. */
export interface MomentStore {
  slot(variable: tf.Variable): { m: tf.Variable; v: tf.Variable } | undefined;
}

/**
 * Prunes the first and second moments of `variables` (the LoRA parameters) in place, leaving every
 * other variable's state alone (ReLoRA paper, Section 3). The reference implements a full reset as
 * random pruning with ratio 0.999 (a workaround for ZeRO); 'zero' here zeroes everything.
 * 'random' and 'magnitude' read the moments back (asynchronously, all in one wait on the device)
 * to draw or rank in JS, so the masks are the same on every backend; 'zero' reads nothing.
 * `mask: 'joint'` gives m and v one mask (see {@link PruningMask}): with the reference's
 * independent masks, magnitude pruning at 0.99 wrecks small runs (apps/quality/README.md).
 * Rejects on bad options before changing anything; await it before the next update.
 *
 * @example
 * const { zeroed, total } = await resetOptimizerState(opt, loraVariables, { mode: 'magnitude', ratio: 0.99 });
 */
export async function resetOptimizerState(
  optimizer: MomentStore,
  variables: readonly tf.Variable[],
  options: ResetOptions,
): Promise<ResetResult> {
  const { mode } = options;
  if (mode !== 'zero' && mode !== 'random' && mode !== 'magnitude') {
    throw new RangeError(
      `resetOptimizerState: mode must be 'zero', 'random' or 'magnitude', got '${mode}'`,
    );
  }
  const ratio = options.ratio ?? Number.NaN;
  if (mode !== 'zero' && !(ratio >= 0 && ratio <= 1)) {
    throw new RangeError(
      `resetOptimizerState: ratio must be in [0, 1] for mode '${mode}', got ${options.ratio}`,
    );
  }
  const mask = options.mask ?? 'independent';
  if (mask !== 'independent' && mask !== 'joint') {
    throw new RangeError(
      `resetOptimizerState: mask must be 'independent' or 'joint', got '${String(mask)}'`,
    );
  }
  const result: ResetResult = { zeroed: 0, total: 0, tensors: 0, skipped: 0 };
  const moments: tf.Variable[] = [];
  for (const variable of variables) {
    const slot = optimizer.slot(variable);
    if (slot) moments.push(slot.m, slot.v);
    else result.skipped++;
  }
  result.tensors = moments.length;
  for (const moment of moments) result.total += moment.size;
  if (mode === 'zero') {
    for (const moment of moments) tf.tidy(() => moment.assign(tf.zerosLike(moment)));
    result.zeroed = result.total;
    return result;
  }
  const values = await readFloat32Copies(moments);
  // One stream over all tensors, in order: the same masks as drawing tensor by tensor.
  const uniform = mulberry32(options.seed ?? 0);
  if (mask === 'joint') {
    // moments is [m0, v0, m1, v1, ...]: prune each pair with one mask.
    for (let i = 0; i < values.length; i += 2) {
      if (mode === 'magnitude') jointMagnitudePrune(values[i]!, values[i + 1]!, ratio);
      else jointRandomPrune(values[i]!, values[i + 1]!, ratio, uniform);
    }
  } else {
    for (const pruned of values) {
      if (mode === 'magnitude') magnitudePrune(pruned, ratio);
      else randomPrune(pruned, ratio, uniform);
    }
  }
  moments.forEach((moment, i) => {
    const pruned = values[i]!;
    result.zeroed += countZeros(pruned);
    tf.tidy(() => moment.assign(tf.tensor(pruned, moment.shape, 'float32')));
  });
  return result;
}
