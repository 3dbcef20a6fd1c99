// Runs an op case on the current backend: values and gradients, for comparing wasm or webgpu with cpu in tests.
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

// Values, then the gradient of sum(fn(xs) * w) for each float input, w random and fixed. Read with
// `data()`: webgpu in Node has no synchronous read.
export async function runCase(
  c: OpCase,
  data: Array<Float32Array | Int32Array>,
): Promise<Float32Array[]> {
  const results = tf.tidy(() => {
    const xs = c.inputs.map((input, k) =>
      tf.tensor(data[k]!, input.shape, input.dtype ?? 'float32'),
    );
    const y = c.fn(...xs);
    if (c.grad === false) return [y];
    const floats = c.inputs
      .map((input, k) => (input.dtype === 'int32' ? -1 : k))
      .filter((k) => k >= 0);
    const w = tf.tensor(makeInputs({ ...c, inputs: [{ shape: y.shape }] }, 99)[0]!, y.shape);
    const grads = tf.grads((...fs: tf.Tensor[]) => {
      const all = xs.map((x, k) => (floats.includes(k) ? fs[floats.indexOf(k)]! : x));
      return tf.sum(tf.mul(c.fn(...all), w));
    })(floats.map((k) => xs[k]!));
    return [y, ...grads];
  });
  try {
    return (await Promise.all(results.map((t) => t.data()))).map((v) => Float32Array.from(v));
  } finally {
    tf.dispose(results);
  }
}

/** A backend compared with cpu. */
export type ParityBackend = 'wasm' | 'webgpu';

/**
 * Worst relative error over values and gradients of case `c` on `on` (wasm unless named) against
 * cpu, and what leaked there: tensors, and data buffers (a kernel's intermediate that it forgot to
 * free is no tensor). `init` makes the backend it is given current.
 */
export async function compareWithCpu<B extends ParityBackend = 'wasm'>(
  c: OpCase,
  seed: number,
  init: (prefer: 'cpu' | B) => Promise<unknown>,
  on: B = 'wasm' as B,
): Promise<{ worst: number; leaked: number }> {
  const data = makeInputs(c, seed);
  await init('cpu');
  const expected = await runCase(c, data);
  await init(on);
  const held = () => tf.memory().numTensors + tf.memory().numDataBuffers;
  const before = held();
  const actual = await runCase(c, data);
  const leaked = held() - before;
  if (
    actual.length !== expected.length ||
    actual.some((a, j) => a.length !== expected[j]!.length)
  ) {
    return { worst: Number.POSITIVE_INFINITY, leaked };
  }
  return { worst: Math.max(...actual.map((a, j) => normRelativeError(a, expected[j]!))), leaked };
}
