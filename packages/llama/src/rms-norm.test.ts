// rmsNorm through the fused kernels (and their hand-written gradient) against the ops path.
import { initBackend } from '@relora/backend';
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '@relora/core';
import { normRelativeError, withoutKernels } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { rmsNorm } from './rms-norm';

const EPS = 1e-6;

/** y, then the gradients of sum(rmsNorm(x, w)·r) for the trainable ones of x and w. */
function valueAndGrads(x: tf.Variable, w: tf.Variable, seed: number): tf.Tensor[] {
  return tf.tidy(() => {
    const y = rmsNorm(x, w, EPS);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed);
    const trainable = [x, w].filter((v) => v.trainable);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(rmsNorm(x, w, EPS), r)),
      trainable,
    );
    value.dispose();
    return [y, ...trainable.map((v) => grads[v.name]!)];
  });
}

/** Runs f with the fused kernels unregistered (rmsNorm then takes the ops path). */
const opsPath = <T>(f: () => T): T => withoutKernels([RMS_NORM_KERNEL, RMS_NORM_GRAD_KERNEL], f);

describe.each(['cpu', 'wasm'] as const)('rmsNorm on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each([
    [[512, 128]],
    [[7, 352]],
    [[2, 3, 8]],
    [[5, 6]],
    [[1, 128]],
    [[0, 8]],
  ])('the kernel path equals the ops path within 1e-5, gradients for x and a trainable weight: %j', async (shape) => {
    const d = shape.at(-1)!;
    const x = tf.variable(tf.randomNormal(shape, 0, 1.5, 'float32', 1));
    const w = tf.variable(tf.randomUniform([d], 0.5, 1.5, 'float32', 2));
    expect(tf.getKernel(RMS_NORM_KERNEL, backend)).toBeDefined();
    const before = tf.memory().numTensors;
    const fused = valueAndGrads(x, w, 3);
    expect(tf.memory().numTensors).toBe(before + 3);
    const ops = opsPath(() => valueAndGrads(x, w, 3));
    fused.forEach((t, k) => {
      expect(t.shape).toEqual(ops[k]!.shape);
      expect(t.dtype).toBe('float32');
      // with no rows, stock wasm's Sum over the empty axis returns uninitialised memory
      if (shape[0] === 0 && k === 2) expect(Array.from(t.dataSync())).toEqual(Array(d).fill(0));
      else expect(normRelativeError(t, ops[k]!)).toBeLessThan(1e-5);
    });
    tf.dispose([x, w, ...fused, ...ops]);
  });

  it('runs two kernels, forward and backward, instead of the ops', async () => {
    const x = tf.variable(tf.randomNormal([4, 8], 0, 1, 'float32', 4));
    const w = tf.variable(tf.ones([8]));
    const profile = await tf.profile(() => tf.dispose(valueAndGrads(x, w, 5)));
    expect(profile.kernelNames).toEqual(
      expect.arrayContaining([RMS_NORM_KERNEL, RMS_NORM_GRAD_KERNEL]),
    );
    expect(profile.kernelNames).not.toContain('Rsqrt');
    expect(profile.newTensors).toBe(0);
    tf.dispose([x, w]);
  });

  it('gives a frozen weight no gradient and leaks nothing without a tape', () => {
    const x = tf.variable(tf.randomNormal([3, 8], 0, 1, 'float32', 6));
    const w = tf.variable(tf.randomUniform([8], 0.5, 1.5, 'float32', 7), false);
    const fused = valueAndGrads(x, w, 8);
    expect(fused).toHaveLength(2);
    const ops = opsPath(() => valueAndGrads(x, w, 8));
    fused.forEach((t, k) => {
      expect(normRelativeError(t, ops[k]!)).toBeLessThan(1e-5);
    });
    const before = tf.memory().numTensors;
    const y = rmsNorm(x, w, EPS);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, w, y, ...fused, ...ops]);
  });

  it('keeps the ops path for what the kernels do not take (int32 x, a broadcast weight)', () => {
    const x = tf.tensor2d([1, -2, 3, 4, 0, 2], [2, 3], 'int32');
    const w = tf.tensor2d([[0.5, 1, 2]]);
    const ops = opsPath(() => rmsNorm(x, w, EPS));
    const ours = rmsNorm(x, w, EPS);
    expect(ours.dtype).toBe(ops.dtype);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(ops.dataSync()));
    tf.dispose([x, w, ops, ours]);
  });
});
