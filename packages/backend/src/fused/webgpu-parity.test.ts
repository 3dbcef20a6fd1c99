// The WGSL fused kernels compute what cpu's compute: within 1e-4 relative error, the dropout mask
// bit for bit, at sizes that exercise a partly used last workgroup, rows longer than a workgroup
// and more workgroups than one dispatch dimension holds.
import {
  ADAMW_UPDATE_KERNEL,
  DROPOUT_MASK_KERNEL,
  type DropoutMaskAttrs,
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  ROTARY_KERNEL,
} from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerWebGpuKernels, WEBGPU_KERNELS } from '../register-webgpu-kernels';
import { compareWithCpu } from '../replacements/parity.test-support';
import { initBackend } from '../select/init-backend';
import { describeOnWebGpu } from '../select/webgpu.test-support';
import {
  ADAMW,
  adamwCase,
  DROPOUT_MASK,
  dropoutMaskCase,
  RMS_NORM,
  ROTARY,
  rmsNormCase,
  rotaryCase,
} from './fused-ops.test-support';

const CASES = [
  ADAMW,
  adamwCase(64 * 5, 0),
  ROTARY,
  // half a head of 3: the other half starts mid-vector
  rotaryCase([1, 7, 2, 6]),
  RMS_NORM,
  // rows longer than the workgroup's 64 threads, of a length no multiple of it
  rmsNormCase([2, 3, 300]),
  // more rows than threads in dWeight's column sums; rank 7, past the backend's coordinate helpers
  rmsNormCase([130, 1, 1, 1, 1, 1, 3]),
  // 70000 row sums: more workgroups than the 65535 of one dispatch dimension
  rmsNormCase([70000, 2]),
  // no rows: dWeight is zeros
  rmsNormCase([0, 4]),
];

// Each mask: its float32 bits as int32, drawn on the backend given.
async function maskBits(prefer: 'cpu' | 'webgpu', attrs: DropoutMaskAttrs): Promise<Int32Array> {
  await initBackend({ prefer });
  const mask = tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { ...attrs }) as tf.Tensor;
  const values = (await mask.data()) as Float32Array;
  mask.dispose();
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

// Registering needs no adapter: tfjs keeps kernels by backend name.
describe('the webgpu kernel table', () => {
  it("names core's five fused kernels and the AddN replacement, each registered for webgpu", () => {
    const kernels = [
      ADAMW_UPDATE_KERNEL,
      DROPOUT_MASK_KERNEL,
      ROTARY_KERNEL,
      RMS_NORM_KERNEL,
      RMS_NORM_GRAD_KERNEL,
      tf.AddN,
    ];
    expect(Object.keys(WEBGPU_KERNELS)).toEqual(kernels);
    expect(registerWebGpuKernels()).toEqual(kernels);
    for (const name of kernels) expect(tf.getKernel(name, 'webgpu')?.kernelName).toBe(name);
  });
});

describeOnWebGpu('webgpu fused kernels match cpu', () => {
  const init = (prefer: 'cpu' | 'webgpu') => initBackend({ prefer });

  it('are registered when initBackend picks webgpu', async () => {
    const info = await initBackend({ prefer: 'webgpu' });
    expect(info.kernels).toEqual(Object.keys(WEBGPU_KERNELS));
    for (const name of info.kernels) expect(tf.getKernel(name, 'webgpu')).toBeDefined();
  });

  it.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', async (_name, c, k) => {
    const { worst, leaked } = await compareWithCpu(c, 7 + k, init, 'webgpu');
    expect(leaked).toBe(0);
    expect(worst).toBeLessThan(1e-4);
  });

  it.each(
    [DROPOUT_MASK, dropoutMaskCase(3, 5, 1), dropoutMaskCase(0, 5)].map((c) => [c.name, c]),
  )('%s, without a leak', async (_name, c) => {
    const { worst, leaked } = await compareWithCpu(c, 0, init, 'webgpu');
    expect(leaked).toBe(0);
    expect(worst).toBe(0);
  });

  // 2100·2000 elements: more workgroups of 64 than one dispatch dimension holds.
  it.each([
    { rows: 37, cols: 29, keyA: -123456789, keyB: 987654321, threshold: 2 ** 30, keptBits: -1 },
    { rows: 2100, cols: 2000, keyA: 0x7fffffff, keyB: -(2 ** 31), threshold: 1, keptBits: 1 },
    { rows: 8, cols: 8, keyA: 5, keyB: 6, threshold: 2 ** 31, keptBits: 0x3f800000 },
    { rows: 8, cols: 8, keyA: 5, keyB: 6, threshold: 0, keptBits: 0x3f800000 },
  ])('draws the dropout mask bit for bit: $rows x $cols, threshold $threshold', async (attrs) => {
    const expected = await maskBits('cpu', attrs);
    const actual = await maskBits('webgpu', attrs);
    expect(actual.length).toBe(attrs.rows * attrs.cols);
    const differing = actual.findIndex((bits, i) => bits !== expected[i]);
    expect(differing).toBe(-1);
  });

  it('checks its arguments as the other backends do, naming webgpu', async () => {
    await initBackend({ prefer: 'webgpu' });
    const x = tf.zeros([1, 2, 1, 3]);
    const table = tf.zeros([2, 1, 3]);
    expect(() => tf.engine().runKernel(ROTARY_KERNEL, { x, cos: table, sin: table })).toThrow(
      /ReloraRotary \(webgpu\): headDim must be even/,
    );
    expect(() =>
      tf.engine().runKernel(RMS_NORM_KERNEL, { x, weight: tf.zeros([2]) }, { epsilon: 1e-6 }),
    ).toThrow(/ReloraRmsNorm \(webgpu\): 'weight' must be \[3\]/);
    tf.dispose([x, table]);
  });
});
