// Clips gradients by their global L2 norm, as torch.nn.utils.clip_grad_norm_.
import * as tf from '@tensorflow/tfjs-core';
import { asFloat32, type GradientMap } from './gradients';

/** Options of {@link clipByGlobalNorm}. */
export interface ClipByGlobalNormOptions {
  /** Throw when the norm is NaN or infinite (the reference passes `error_if_nonfinite=True`). Default false. */
  errorIfNonfinite?: boolean;
}

/** Clipped gradients (new tensors, same container type and keys) and the norm before clipping. */
export interface ClipResult<G extends GradientMap> {
  grads: G;
  /** Global L2 norm of the gradients before clipping. */
  norm: number;
}

/**
 * Scales all gradients by min(1, maxNorm / (norm + 1e-6)), norm being the L2 norm over all of
 * them together. The input tensors are left as they are (the caller still owns them); the caller
 * owns the returned ones.
 *
 * @example
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 1.0);
 */
export function clipByGlobalNorm<G extends GradientMap>(
  grads: G,
  maxNorm: number,
  options: ClipByGlobalNormOptions = {},
): ClipResult<G> {
  if (!(maxNorm > 0)) throw new RangeError(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  const keys = grads instanceof Map ? [...grads.keys()] : Object.keys(grads);
  const tensors = grads instanceof Map ? [...grads.values()] : Object.values(grads);
  if (tensors.length === 0) return { grads: (grads instanceof Map ? new Map() : {}) as G, norm: 0 };

  const [normTensor, ...clipped] = tf.tidy(() => {
    const squares = tensors.map((g) => tf.sum(tf.square(asFloat32(g))));
    const total = tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares));
    const coefficient = tf.minimum(tf.div(maxNorm, tf.add(total, 1e-6)), 1);
    return [total, ...tensors.map((g) => tf.mul(g, coefficient))];
  });
  const norm = normTensor!.dataSync()[0]!;
  normTensor!.dispose();
  if (options.errorIfNonfinite && !Number.isFinite(norm)) {
    tf.dispose(clipped);
    throw new Error(`clipByGlobalNorm: the total gradient norm is ${norm} (non-finite)`);
  }
  if (grads instanceof Map) {
    return { grads: new Map(keys.map((key, i) => [key, clipped[i]!])) as G, norm };
  }
  return { grads: Object.fromEntries(keys.map((key, i) => [key, clipped[i]!])) as G, norm };
}
