// Reproducible weight init: each parameter draws from its own stream derived from (seed, name).
import { fnv1a32 } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * normal(0, std) of `shape`. Seeding by name keeps one parameter's init independent of how
 * many others come before it; `seed` undefined draws from Math.random.
 */
export function normalInit(
  shape: number[],
  std: number,
  seed: number | undefined,
  name: string,
): tf.Tensor {
  const streamSeed = seed === undefined ? undefined : fnv1a32(`${seed}:${name}`);
  return tf.randomNormal(shape, 0, std, 'float32', streamSeed);
}
