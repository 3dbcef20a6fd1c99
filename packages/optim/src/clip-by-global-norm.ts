// Clips gradients by their global L2 norm, as torch.nn.utils.clip_grad_norm_.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, type GradientMap } from './gradients';

/** Options of {@link clipByGlobalNorm}. */
export interface ClipByGlobalNormOptions {
  /** Reject when the norm is NaN or infinite (the reference passes `error_if_nonfinite=True`). Default false. */
  errorIfNonfinite?: boolean;
}

/** Clipped gradients (new tensors, same container type and keys) and the norm before clipping. */
export interface ClipResult<G extends GradientMap> {
  grads: G;
  /** Global L2 norm of the gradients before clipping. */
  norm: number;
}

/** What {@link clipByGlobalNormTensor} returns: {@link ClipResult} with the norm not yet read. */
export interface ClippedGradients<G extends GradientMap> {
  grads: G;
  /** Global L2 norm of the gradients before clipping: a float32 scalar the caller disposes. */
  norm: tf.Scalar;
}

/**
 * Scales all gradients by min(1, maxNorm / (norm + 1e-6)), norm being the L2 norm over all of
 * them together, and reads nothing back: the norm stays a tensor, so a training loop can read it
 * with its other metrics in one `await data()`. The input tensors are left as they are (the caller
 * still owns them); the caller owns the returned ones, `norm` included.
 *
 * @example
 * const { grads: clipped, norm } = clipByGlobalNormTensor(grads, 1.0);
 * const [lossValue, normValue] = await tf.stack([loss, norm]).data();
 */
export function clipByGlobalNormTensor<G extends GradientMap>(
  grads: G,
  maxNorm: number,
): ClippedGradients<G> {
  if (!(maxNorm > 0)) throw new RangeError(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  const keys = grads instanceof Map ? [...grads.keys()] : Object.keys(grads);
  const tensors = grads instanceof Map ? [...grads.values()] : Object.values(grads);
  if (tensors.length === 0)
    return { grads: (grads instanceof Map ? new Map() : {}) as G, norm: tf.scalar(0) };

  const [norm, ...clipped] = tf.tidy(() => {
    const squares = tensors.map((g) => tf.sum(tf.square(asFloat32(g))));
    const total = tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares));
    const coefficient = tf.minimum(tf.div(maxNorm, tf.add(total, 1e-6)), 1);
    return [total, ...tensors.map((g) => tf.mul(g, coefficient))];
  });
  const out = (
    grads instanceof Map
      ? new Map(keys.map((key, i) => [key, clipped[i]!]))
      : Object.fromEntries(keys.map((key, i) => [key, clipped[i]!]))
  ) as G;
  return { grads: out, norm: norm as tf.Scalar };
}

/**
 * {@link clipByGlobalNormTensor} with the norm read back (one asynchronous read, so it works on
 * webgpu, where synchronous reads throw). Rejects, disposing the clipped tensors, when
 * `errorIfNonfinite` is set and the norm is not finite.
 *
 * @example
 * const { grads: clipped, norm } = await clipByGlobalNorm(grads, 1.0);
 */
export async function clipByGlobalNorm<G extends GradientMap>(
  grads: G,
  maxNorm: number,
  options: ClipByGlobalNormOptions = {},
): Promise<ClipResult<G>> {
  const clipped = clipByGlobalNormTensor(grads, maxNorm);
  const tensors =
    clipped.grads instanceof Map ? [...clipped.grads.values()] : Object.values(clipped.grads);
  let norm: number;
  try {
    norm = (await clipped.norm.data())[0]!;
  } catch (error) {
    tf.dispose(tensors);
    throw error;
  } finally {
    clipped.norm.dispose();
  }
  if (options.errorIfNonfinite && !Number.isFinite(norm)) {
    tf.dispose(tensors);
    throw new Error(`clipByGlobalNorm: the total gradient norm is ${norm} (non-finite)`);
  }
  return { grads: clipped.grads, norm };
}
