// Reproducible weight init: each parameter draws from its own stream derived from (seed, name).
import * as tf from '@tensorflow/tfjs-core';

/** FNV-1a hash of a string to an unsigned 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

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
  const streamSeed = seed === undefined ? undefined : hash32(`${seed}:${name}`);
  return tf.randomNormal(shape, 0, std, 'float32', streamSeed);
}
