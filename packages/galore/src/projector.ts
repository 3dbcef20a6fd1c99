// GaLore's projector (Zhao et al. 2024, galore_projector.py "std"): which side, its refresh by truncated SVD, project and back.
import { truncatedSvd } from '@relora/linalg';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Which side of a tfjs kernel K [in, out] (= Wᵀ) is projected. `left`: P [in, r], R = Pᵀ G [r, out],
 * back(N) = P N; `right`: Q [r, out], R = G Qᵀ [in, r], back(N) = N Q.
 */
export type ProjectionSide = 'left' | 'right';

/**
 * The official "std" rule on the kernel: project the shorter axis; a square kernel projects its
 * first (input) axis, which is the right side of PyTorch's W [out, in] as in the reference.
 */
export function projectionSide(shape: readonly number[]): ProjectionSide {
  const [rows, cols] = shape as [number, number];
  return rows <= cols ? 'left' : 'right';
}

/** The projector's rank for a kernel: r, or the shorter side when that is smaller. */
export function effectiveRank(shape: readonly number[], rank: number): number {
  return Math.min(rank, shape[0]!, shape[1]!);
}

/** Shape of the projected gradient (and of both Adam moments) for a kernel of `shape`. */
export function projectedShape(shape: readonly number[], rank: number): [number, number] {
  const r = effectiveRank(shape, rank);
  return projectionSide(shape) === 'left' ? [r, shape[1]!] : [shape[0]!, r];
}

/** Options of {@link computeProjector}. */
export interface ProjectorSvdOptions {
  oversample: number;
  powerIterations: number;
  seed: number;
}

/**
 * A new projector for gradient `grad` [in, out]: its top-r left singular vectors [in, r] (left
 * side) or top-r right singular vectors as rows [r, out] (right side), in float32 as the reference
 * computes its SVD. Reads the device (k x k cores); the caller disposes the result.
 */
export async function computeProjector(
  grad: tf.Tensor2D,
  rank: number,
  svd: ProjectorSvdOptions,
): Promise<tf.Tensor2D> {
  const side = projectionSide(grad.shape);
  const r = effectiveRank(grad.shape, rank);
  const result = await truncatedSvd(grad, r, { ...svd, side });
  return (side === 'left' ? result.u : result.vt) as tf.Tensor2D;
}

/** R: the gradient in the projector's coordinates ([r, out] or [in, r]). */
export function project(grad: tf.Tensor, projector: tf.Tensor, side: ProjectionSide): tf.Tensor2D {
  return (
    side === 'left'
      ? tf.matMul(projector, grad, true, false)
      : tf.matMul(grad, projector, false, true)
  ) as tf.Tensor2D;
}

/** back(N): a projected tensor mapped back to the kernel's shape (no scale; the caller applies alpha). */
export function projectBack(n: tf.Tensor, projector: tf.Tensor, side: ProjectionSide): tf.Tensor2D {
  return (side === 'left' ? tf.matMul(projector, n) : tf.matMul(n, projector)) as tf.Tensor2D;
}
