// Every op of a LLaMA forward and backward pass gives the same values and gradients on wasm as on cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { COPY_OP_CASES, LLAMA_OP_CASES, type OpCase } from './llama-op-cases';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeInputs(c: OpCase, seed: number): Array<Float32Array | Int32Array> {
  const rand = random(seed);
  return c.inputs.map((input) => {
    const size = input.shape.reduce((a, b) => a * b, 1);
    if (input.dtype === 'int32')
      return Int32Array.from({ length: size }, () => Math.floor(rand() * (input.maxInt ?? 2)));
    return Float32Array.from({ length: size }, () => rand() * 2 - 1);
  });
}

// Values, then the gradient of sum(fn(xs) * w) for each float input, w random and fixed.
function run(c: OpCase, data: Array<Float32Array | Int32Array>): Float32Array[] {
  return tf.tidy(() => {
    const xs = c.inputs.map((input, k) =>
      tf.tensor(data[k]!, input.shape, input.dtype ?? 'float32'),
    );
    const y = c.fn(...xs);
    const out = [Float32Array.from(y.dataSync())];
    if (c.grad === false) return out;
    const floats = xs
      .map((x, k) => (c.inputs[k]!.dtype === 'int32' ? -1 : k))
      .filter((k) => k >= 0);
    const w = tf.tensor(makeInputs({ ...c, inputs: [{ shape: y.shape }] }, 99)[0]!, y.shape);
    const grads = tf.grads((...fs: tf.Tensor[]) => {
      const all = xs.map((x, k) => (floats.includes(k) ? fs[floats.indexOf(k)]! : x));
      return tf.sum(tf.mul(c.fn(...all), w));
    })(floats.map((k) => xs[k]!));
    return out.concat(grads.map((g) => Float32Array.from(g.dataSync())));
  });
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k]! - b[k]!));
    scale = Math.max(scale, Math.abs(b[k]!));
  }
  return diff / Math.max(scale, 1e-12);
}

describe('wasm kernels match cpu (values and gradients)', () => {
  it.each([...LLAMA_OP_CASES, ...COPY_OP_CASES].map((c, k) => [c.name, c, k] as const))('%s', async (_name, c, k) => {
    const data = makeInputs(c, 1234 + k);
    await initBackend({ prefer: 'cpu' });
    const expected = run(c, data);
    await initBackend({ prefer: 'wasm' });
    const before = tf.memory().numTensors;
    const actual = run(c, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.length).toBe(expected.length);
    for (let j = 0; j < expected.length; j++) {
      expect(actual[j]!.length).toBe(expected[j]!.length);
      expect(relativeError(actual[j]!, expected[j]!)).toBeLessThan(1e-4);
    }
  });
});
