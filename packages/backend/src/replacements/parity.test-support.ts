// Runs an op case on the current backend: values and gradients, for comparing wasm with cpu in tests.
import { normRelativeError, seededUniform } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import type { OpCase } from './llama-ops.test-support';

export function makeInputs(c: OpCase, seed: number): Array<Float32Array | Int32Array> {
  const rand = seededUniform(seed, 0, 1);
  return c.inputs.map((input) => {
    const size = input.shape.reduce((a, b) => a * b, 1);
    if (input.dtype === 'int32')
      return Int32Array.from({ length: size }, () => Math.floor(rand() * (input.maxInt ?? 2)));
    return Float32Array.from({ length: size }, () => rand() * 2 - 1);
  });
}

// Values, then the gradient of sum(fn(xs) * w) for each float input, w random and fixed.
export function runCase(c: OpCase, data: Array<Float32Array | Int32Array>): Float32Array[] {
  return tf.tidy(() => {
    const xs = c.inputs.map((input, k) =>
      tf.tensor(data[k]!, input.shape, input.dtype ?? 'float32'),
    );
    const y = c.fn(...xs);
    const out = [Float32Array.from(y.dataSync())];
    if (c.grad === false) return out;
    const floats = c.inputs
      .map((input, k) => (input.dtype === 'int32' ? -1 : k))
      .filter((k) => k >= 0);
    const w = tf.tensor(makeInputs({ ...c, inputs: [{ shape: y.shape }] }, 99)[0]!, y.shape);
    const grads = tf.grads((...fs: tf.Tensor[]) => {
      const all = xs.map((x, k) => (floats.includes(k) ? fs[floats.indexOf(k)]! : x));
      return tf.sum(tf.mul(c.fn(...all), w));
    })(floats.map((k) => xs[k]!));
    return out.concat(grads.map((g) => Float32Array.from(g.dataSync())));
  });
}

/** Worst relative error over values and gradients of case `c` on wasm against cpu, and tensors leaked on wasm. */
export async function compareWithCpu(
  c: OpCase,
  seed: number,
  init: (prefer: 'cpu' | 'wasm') => Promise<unknown>,
): Promise<{ worst: number; leaked: number }> {
  const data = makeInputs(c, seed);
  await init('cpu');
  const expected = runCase(c, data);
  await init('wasm');
  const before = tf.memory().numTensors;
  const actual = runCase(c, data);
  const leaked = tf.memory().numTensors - before;
  if (
    actual.length !== expected.length ||
    actual.some((a, j) => a.length !== expected[j]!.length)
  ) {
    return { worst: Number.POSITIVE_INFINITY, leaked };
  }
  return { worst: Math.max(...actual.map((a, j) => normRelativeError(a, expected[j]!))), leaked };
}
