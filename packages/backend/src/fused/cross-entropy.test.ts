// The cross-entropy kernels against a float64 reference, on cpu and wasm: values, gradients,
// ignored rows, ragged vocabularies, large logits, bad input, no leaks.
import { CROSS_ENTROPY_GRAD_KERNEL, CROSS_ENTROPY_KERNEL } from '@relora/core';
import { maxAbsDiff, seededUniform } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';

interface Case {
  logits: Float32Array;
  targets: Int32Array;
  weights: Float32Array;
  scale: Float32Array;
  rows: number;
  vocab: number;
}

function caseOf(rows: number, vocab: number, seed: number, spread = 4, offset = 0): Case {
  const draw = seededUniform(seed, offset - spread, offset + spread);
  const logits = Float32Array.from({ length: rows * vocab }, draw);
  const targets = Int32Array.from({ length: rows }, (_, i) => (i * 7 + seed) % vocab);
  // every third row ignored (weight 0); scale as weights · dy with dy = 1.5
  const weights = Float32Array.from({ length: rows }, (_, i) =>
    i % 3 === 2 && rows > 1 ? 0 : 1 / rows,
  );
  const scale = weights.map((w) => w * 1.5);
  return { logits, targets, weights, scale, rows, vocab };
}

/** [loss, logSumExp, dLogits] in float64 from the textbook formulas. */
function reference({ logits, targets, weights, scale, rows, vocab }: Case) {
  let loss = 0;
  const lse = new Float64Array(rows);
  const grad = new Float64Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(logits.subarray(r * vocab, (r + 1) * vocab));
    const max = Math.max(...row);
    lse[r] = max + Math.log(row.reduce((sum, l) => sum + Math.exp(l - max), 0));
    loss += weights[r]! * (lse[r]! - row[targets[r]!]!);
    for (let j = 0; j < vocab; j++) {
      grad[r * vocab + j] = scale[r]! * (Math.exp(row[j]! - lse[r]!) - (j === targets[r] ? 1 : 0));
    }
  }
  return { loss, lse, grad };
}

/** The kernels' [loss, logSumExp, dLogits]; checks that only the outputs stay allocated. */
function kernels({ logits, targets, weights, scale, rows, vocab }: Case) {
  const before = tf.memory().numTensors;
  const inputs = {
    logits: tf.tensor2d(logits, [rows, vocab]),
    targets: tf.tensor1d(targets, 'int32'),
    weights: tf.tensor1d(weights),
    scale: tf.tensor1d(scale),
  };
  const [loss, lse] = tf.engine().runKernel(CROSS_ENTROPY_KERNEL, {
    logits: inputs.logits,
    targets: inputs.targets,
    weights: inputs.weights,
  }) as tf.Tensor[];
  const grad = tf.engine().runKernel(CROSS_ENTROPY_GRAD_KERNEL, {
    logits: inputs.logits,
    targets: inputs.targets,
    scale: inputs.scale,
    logSumExp: lse!,
  }) as tf.Tensor;
  expect(loss!.shape).toEqual([]);
  expect(grad.shape).toEqual([rows, vocab]);
  const out = [loss!, lse!, grad].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([...Object.values(inputs), loss!, lse!, grad]);
  expect(tf.memory().numTensors).toBe(before);
  return { loss: out[0]![0]!, lse: out[1]!, grad: out[2]! };
}

describe.each(['cpu', 'wasm'] as const)('cross-entropy kernels on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each([
    ['several rows, V a multiple of 4', 7, 64, 0],
    ['V not a multiple of 4', 5, 258, 0],
    ['N = 1', 1, 11, 0],
    ['V = 1', 3, 1, 0],
    ['large logits (exp would overflow without the max)', 4, 37, 500],
  ])('%s: loss, logSumExp and gradient within 1e-5 / 1e-6 of float64', (_, rows, vocab, offset) => {
    const data = caseOf(rows, vocab, rows + vocab, 4, offset);
    const ours = kernels(data);
    const expected = reference(data);
    expect(Math.abs(ours.loss - expected.loss)).toBeLessThanOrEqual(
      1e-5 * Math.max(1, Math.abs(expected.loss)),
    );
    expect(maxAbsDiff(ours.lse, expected.lse)).toBeLessThan(1e-5 * (1 + offset));
    expect(maxAbsDiff(ours.grad, expected.grad)).toBeLessThan(1e-6);
  });

  it('gives an ignored row (weight and scale 0) no loss and a zero gradient', () => {
    const data = caseOf(3, 9, 5);
    expect(data.weights[2]).toBe(0);
    const ours = kernels(data);
    expect(Array.from(ours.grad.subarray(18))).toEqual(new Array(9).fill(0));
  });

  it('handles a negative scale (dy < 0) like a positive one', () => {
    const data = caseOf(4, 13, 3);
    data.scale = data.scale.map((s) => -s);
    expect(maxAbsDiff(kernels(data).grad, reference(data).grad)).toBeLessThan(1e-6);
  });

  it('names a target out of range and bad shapes', () => {
    const data = caseOf(2, 5, 1);
    data.targets[1] = 5;
    expect(() => tf.tidy(() => kernels(data))).toThrow(
      /targets\[1\] is 5, expected an index in \[0, 5\)/,
    );
    const logits = tf.zeros([2, 3]);
    const targets = tf.tensor1d([0, 1], 'int32');
    const weights = tf.ones([3]);
    expect(() => tf.engine().runKernel(CROSS_ENTROPY_KERNEL, { logits, targets, weights })).toThrow(
      `ReloraCrossEntropy (${backend}): 'weights' must be [2] for logits [2,3], got [3]`,
    );
    const floats = tf.ones([2]);
    expect(() =>
      tf.engine().runKernel(CROSS_ENTROPY_KERNEL, { logits, targets: floats, weights }),
    ).toThrow(/'targets' must be int32, got float32/);
    tf.dispose([logits, targets, weights, floats]);
  });
});
