// Fira's extra term (Chen et al. 2024, fira_adamw.py): the residual G − P PᵀG scaled column-wise, and its norm-growth limiter.
import * as tf from '@tensorflow/tfjs-core';
import type { ProjectionSide } from './projector';

/** Added to the denominators of phi and of the limiter's ratio (1e-8, hard-coded in the official code). */
export const FIRA_EPSILON = 1e-8;

/**
 * phi · residual: one factor per index of the non-projected axis, ||N|| / (||R|| + 1e-8) with
 * norms along the rank axis (columns for a left projection, rows for a right one).
 */
export function scaledResidual(
  residual: tf.Tensor,
  n: tf.Tensor,
  r: tf.Tensor,
  side: ProjectionSide,
): tf.Tensor {
  const axis = side === 'left' ? 0 : 1;
  const phi = tf.div(
    tf.norm(n, 'euclidean', axis, true),
    tf.add(tf.norm(r, 'euclidean', axis, true), FIRA_EPSILON),
  );
  return tf.mul(residual, phi);
}

/**
 * The norm-growth limiter: with a previous norm, S / (max(||S|| / (prev + 1e-8), gamma) / gamma),
 * so ||S|| grows at most by gamma per step; without one, S unchanged. Returns S and its norm after
 * limiting (the next step's `prev`). Nothing is read back.
 */
export function limitNormGrowth(
  s: tf.Tensor,
  prev: tf.Scalar | undefined,
  gamma: number,
): { s: tf.Tensor; norm: tf.Scalar } {
  const norm = tf.norm(s) as tf.Scalar;
  if (!prev) return { s, norm };
  const ratio = tf.div(tf.maximum(tf.div(norm, tf.add(prev, FIRA_EPSILON)), gamma), gamma);
  const limited = tf.div(s, ratio);
  return { s: limited, norm: tf.div(norm, ratio) as tf.Scalar };
}
