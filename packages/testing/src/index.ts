// Test support shared across packages. A helper used by one package's tests stays beside them as
// `<topic>.test-support.ts`; one that two packages need lives here.
import { mulberry32 } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

export { TinyHost, type TinyHostLayerOptions } from './tiny-host';

/** Seeded uniform draws in [lo, hi) (default [-1, 1)). */
export function seededUniform(seed: number, lo = -1, hi = 1): () => number {
  const uniform = mulberry32(seed);
  return () => lo + (hi - lo) * uniform();
}

/** A float32 tensor of `shape` with seeded uniform entries in [-scale, scale). */
export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const draw = seededUniform(seed, -scale, scale);
  return tf.tensor(Float32Array.from({ length: tf.util.sizeFromShape(shape) }, draw), shape);
}

type Values = tf.Tensor | ArrayLike<number>;

const valuesOf = (x: Values): ArrayLike<number> =>
  x instanceof tf.Tensor ? (x.dataSync() as ArrayLike<number>) : x;

/** max |x| over the elements. */
export function maxAbs(x: Values): number {
  const v = valuesOf(x);
  let worst = 0;
  for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i]!));
  return worst;
}

/** max |a - b| over the elements (both of one size). */
export function maxAbsDiff(a: Values, b: Values): number {
  const x = valuesOf(a);
  const y = valuesOf(b);
  if (x.length !== y.length) throw new Error(`maxAbsDiff: sizes ${x.length} and ${y.length}`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/**
 * max |a - b| / max(|b|, floor) over the elements: the error of `a` relative to the reference `b`;
 * `floor` keeps entries near zero from dominating.
 */
export function maxRelativeError(a: Values, b: Values, floor = 1e-30): number {
  const x = valuesOf(a);
  const y = valuesOf(b);
  if (x.length !== y.length) throw new Error(`maxRelativeError: sizes ${x.length} and ${y.length}`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / Math.max(Math.abs(y[i]!), floor));
  }
  return worst;
}

/**
 * max |a - b| / max |b|: the error against the reference's largest entry, for results whose sums
 * run in another order (they differ most where entries are small).
 */
export function normRelativeError(a: Values, b: Values): number {
  return maxAbsDiff(a, b) / Math.max(maxAbs(b), 1e-12);
}

/**
 * Runs `fn` with `kernels` unregistered on the current backend, then registers them again: the
 * path a package takes on a backend without its fused kernels. Throws if one is not registered.
 */
export function withoutKernels<T>(kernels: readonly string[], fn: () => T): T {
  const backend = tf.getBackend();
  const configs = kernels.map((name) => {
    const config = tf.getKernel(name, backend);
    if (!config) throw new Error(`withoutKernels: ${name} is not registered for ${backend}`);
    return config;
  });
  for (const name of kernels) tf.unregisterKernel(name, backend);
  try {
    return fn();
  } finally {
    for (const config of configs) tf.registerKernel(config);
  }
}
