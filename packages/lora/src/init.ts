// Weight initialisers matching torch's nn.Linear defaults, in tfjs layout [in, out].
import * as tf from '@tensorflow/tfjs-core';

/** A seed for tfjs' random ops; undefined draws from Math.random. */
export type Seed = number | string | undefined;

/**
 * Kaiming-uniform with a = sqrt(5), the init torch gives nn.Linear weights (and the reference
 * gives LoRA's A): gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), bound = gain * sqrt(3 / fanIn) = 1 / sqrt(fanIn).
 * `shape` is [fanIn, fanOut] (tfjs layout, the transpose of torch's [out, in]).
 */
export function kaimingUniform(shape: [number, number], seed?: Seed): tf.Tensor2D {
  const bound = 1 / Math.sqrt(shape[0]);
  return tf.randomUniform(shape, -bound, bound, 'float32', seed);
}

/** torch's nn.Linear bias init: uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)), shape [fanOut]. */
export function linearBiasUniform(fanIn: number, fanOut: number, seed?: Seed): tf.Tensor1D {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.randomUniform([fanOut], -bound, bound, 'float32', seed);
}

/** Derives a distinct, reproducible seed for a sub-stream (a layer, a restart); keeps undefined unseeded. */
export function subSeed(seed: Seed, ...parts: Array<string | number>): Seed {
  return seed === undefined ? undefined : [seed, ...parts].join(':');
}
