// Tests of the fused cross-entropy against the textbook oneHot * logSoftmax form, value and gradient.
import { initBackend } from '@relora/backend';
import { CROSS_ENTROPY_GRAD_KERNEL, CROSS_ENTROPY_KERNEL } from '@relora/core';
import { maxAbsDiff, withoutKernels } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy';

function textbook(logits: tf.Tensor2D, targets: tf.Tensor1D, ignoreIndex: number): tf.Scalar {
  const [, v] = logits.shape;
  const counted = tf.cast(tf.notEqual(targets, ignoreIndex), 'float32');
  const oneHot = tf.cast(tf.oneHot(targets, v), 'float32');
  const perToken = tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1);
  return tf.div(tf.neg(tf.sum(tf.mul(perToken, counted))), tf.sum(counted));
}

describe.each(['cpu', 'wasm'] as const)('crossEntropy on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('matches oneHot * logSoftmax in value and gradient, ignored targets skipped', () => {
    const logits = tf.randomNormal([6, 11], 0, 3, 'float32', 1) as tf.Tensor2D;
    const targets = tf.tensor1d([3, 0, -100, 10, 7, -100], 'int32');
    const ours = tf.valueAndGrad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, targets, -100))(
      logits,
    );
    const reference = tf.valueAndGrad((x: tf.Tensor) => textbook(x as tf.Tensor2D, targets, -100))(
      logits,
    );
    expect(ours.value.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0] as number, 5);
    const diff = tf.max(tf.abs(tf.sub(ours.grad, reference.grad))).dataSync()[0];
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([logits, targets, ours.value, ours.grad, reference.value, reference.grad]);
  });

  it('is 0 with a zero gradient when every target is ignored or out of range', () => {
    const logits = tf.randomNormal([2, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const targets = tf.tensor1d([-100, 5], 'int32');
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
      crossEntropy(x as tf.Tensor2D, targets, -100),
    )(logits);
    expect(Math.abs(value.dataSync()[0] as number)).toBe(0);
    expect(Array.from(grad.dataSync()).every((g) => g === 0)).toBe(true);
    tf.dispose([logits, targets, value, grad]);
  });
});

describe('crossEntropy on cpu, fused kernels against the ops path', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('gives the loss within 1e-5 relative and the gradient within 1e-6, leaking nothing', () => {
    const logits = tf.randomNormal([9, 258], 0, 3, 'float32', 3) as tf.Tensor2D;
    const targets = tf.tensor1d([3, 257, -100, 10, 0, 200, -100, 129, 64], 'int32');
    const run = () => {
      const before = tf.memory().numTensors;
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
        crossEntropy(x as tf.Tensor2D, targets, -100),
      )(logits);
      const out = { loss: value.dataSync()[0] as number, grad: grad.dataSync() };
      tf.dispose([value, grad]);
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const fused = run();
    const ops = withoutKernels([CROSS_ENTROPY_KERNEL, CROSS_ENTROPY_GRAD_KERNEL], run);
    expect(Math.abs(fused.loss - ops.loss)).toBeLessThan(1e-5 * ops.loss);
    expect(maxAbsDiff(fused.grad, ops.grad)).toBeLessThan(1e-6);
    tf.dispose([logits, targets]);
  });
});
