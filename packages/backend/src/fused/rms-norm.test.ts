// The RMSNorm kernels against autodiff of the ops formula, cpu against wasm, errors, no leaks.
import { RMS_NORM_GRAD_KERNEL, RMS_NORM_KERNEL } from '@relora/core';
import { normRelativeError, seededUniform } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { rmsNormGradSimdOf, rmsNormSimdOf } from './wasm/rms-norm-simd';

const EPS = 1e-6;

const randomArray = (size: number, seed: number, offset = 0, scale = 1) =>
  Float32Array.from({ length: size }, seededUniform(seed, offset - scale, offset + scale));

// Hugging Face's LlamaRMSNorm as tfjs ops (llama's ops path): the reference, with autodiff.
const opsRmsNorm = (x: tf.Tensor, w: tf.Tensor) =>
  tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), EPS))), w);

const forward = (x: tf.Tensor, weight: tf.Tensor, epsilon = EPS) =>
  tf.engine().runKernel(RMS_NORM_KERNEL, { x, weight }, { epsilon }) as tf.Tensor[];
const backward = (dy: tf.Tensor, x: tf.Tensor, weight: tf.Tensor, invRms: tf.Tensor) =>
  tf.engine().runKernel(RMS_NORM_GRAD_KERNEL, { dy, x, weight, invRms }) as tf.Tensor[];

interface Data {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
}

const dataFor = (shape: number[]): Data => {
  const size = tf.util.sizeFromShape(shape);
  const d = shape[shape.length - 1]!;
  return {
    x: randomArray(size, size + d, 0, 2),
    w: randomArray(d, d, 1, 0.5),
    dy: randomArray(size, size * 7 + 1),
  };
};

/** [y, invRms, dx, dWeight] by the kernels and by the ops formula with autodiff; leaks counted. */
function runBoth(shape: number[], data: Data) {
  const d = shape[shape.length - 1]!;
  const x = tf.tensor(data.x, shape);
  const w = tf.tensor(data.w, [d]);
  const dy = tf.tensor(data.dy, shape);
  const before = tf.memory().numTensors;
  const [y, invRms] = forward(x, w);
  const [dx, dWeight] = backward(dy, x, w, invRms!);
  expect(tf.memory().numTensors).toBe(before + 4);
  const ours = [y!, invRms!, dx!, dWeight!].map((t) => Float32Array.from(t.dataSync()));
  const theirs = tf.tidy(() => {
    const inv = tf.reshape(tf.rsqrt(tf.add(tf.mean(tf.square(x), -1), EPS)), [-1]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(opsRmsNorm(a, b), dy)))([
      x,
      w,
    ]);
    return [opsRmsNorm(x, w), inv, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
  tf.dispose([x, w, dy, y!, invRms!, dx!, dWeight!]);
  expect(tf.memory().numTensors).toBe(before - 3);
  return { ours, theirs };
}

const SHAPES: number[][] = [
  [5, 8],
  [64, 128],
  [7, 352],
  [512, 128],
  [1, 128],
  [0, 128],
  [2, 3, 8],
  [2, 3, 352],
  [9, 4],
  // d not a multiple of 4: the JS loop on wasm too
  [5, 6],
  [2, 3, 13],
  [0, 6],
  [17],
];

describe.each(['cpu', 'wasm'] as const)('%s: RMSNorm kernels', (backend) => {
  it.each(
    SHAPES.map((s) => [s]),
  )('equal autodiff of the ops formula within 1e-5: %j', async (shape) => {
    const info = await initBackend({ prefer: backend });
    expect(info.kernels).toEqual(expect.arrayContaining([RMS_NORM_KERNEL, RMS_NORM_GRAD_KERNEL]));
    if (backend === 'wasm') {
      const wasm = (tf.backend() as { wasm?: unknown }).wasm;
      expect(rmsNormSimdOf(wasm)).not.toBeNull();
      expect(rmsNormGradSimdOf(wasm)).not.toBeNull();
    }
    const { ours, theirs } = runBoth(shape, dataFor(shape));
    const noRows = shape[0] === 0;
    ours.forEach((a, k) => {
      expect(a.length).toBe(theirs[k]!.length);
      // with no rows, stock wasm's Sum over the empty axis returns uninitialised memory
      if (!(noRows && k === 3)) expect(normRelativeError(a, theirs[k]!)).toBeLessThan(1e-5);
    });
    // with no rows, dWeight is zeros (on wasm the output starts as uninitialised heap memory)
    if (noRows) expect(Array.from(ours[3]!)).toEqual(new Array(shape.at(-1)).fill(0));
  });

  it('names what is wrong with its inputs', async () => {
    await initBackend({ prefer: backend });
    const x = tf.zeros([2, 6]);
    const w = tf.zeros([6]);
    const r = tf.zeros([2]);
    const at = (kernel: string) => `${kernel} (${backend}): `;
    expect(() => forward(x, tf.zeros([5]))).toThrow(
      `${at(RMS_NORM_KERNEL)}'weight' must be [6] for x [2,6], got [5]`,
    );
    expect(() => forward(tf.zeros([2, 6], 'int32'), w)).toThrow(/'x' must be float32, got int32/);
    expect(() => forward(x, w, -1)).toThrow(/attr 'epsilon' must be a finite number >= 0/);
    expect(() => forward(tf.zeros([2, 0]), tf.zeros([0]))).toThrow(/last dim of x must be >= 1/);
    expect(() => forward(tf.scalar(1), w)).toThrow(/x must be \[\.\.\., d\], got a scalar/);
    expect(() => backward(tf.zeros([3, 6]), x, w, r)).toThrow(
      `${at(RMS_NORM_GRAD_KERNEL)}'dy' must be [2,6] like x, got [3,6]`,
    );
    expect(() => backward(x, x, w, tf.zeros([2, 1]))).toThrow(
      /'invRms' must be \[2\] for x \[2,6\], got \[2,1\]/,
    );
    expect(() => tf.engine().runKernel(RMS_NORM_GRAD_KERNEL, { dy: x, x, weight: w })).toThrow(
      /input 'invRms' is missing/,
    );
    tf.dispose([x, w, r]);
  });
});

describe('RMSNorm kernels on wasm and cpu', () => {
  it('agree within 1e-4 (SIMD and JS loops against the cpu JS loop)', async () => {
    for (const shape of [
      [64, 128],
      [3, 352],
      [2, 3, 8],
      [5, 6],
      [4, 4],
    ]) {
      const data = dataFor(shape);
      await initBackend({ prefer: 'cpu' });
      const cpu = runBoth(shape, data).ours;
      await initBackend({ prefer: 'wasm' });
      const wasm = runBoth(shape, data).ours;
      wasm.forEach((a, k) => {
        expect(normRelativeError(a, cpu[k]!)).toBeLessThan(1e-4);
      });
    }
  });
});
