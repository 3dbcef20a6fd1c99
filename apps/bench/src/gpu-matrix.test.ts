import { describe, expect, it } from 'vitest';
import {
  GPU_MATRIX,
  type GpuFacts,
  gpuBatchSize,
  MAX_GPU_BATCH,
  planGpuMatrix,
  stepBytesEstimate,
} from './gpu-matrix';
import { knownGpuPeak } from './gpu-peaks';
import { BENCH_DEFAULTS, QUICK } from './options';
import { presetConfig } from './presets';

const GIB = 2 ** 30;
const shapeOf = (preset: string, vocabSize: number) => presetConfig(preset, vocabSize, 512);
const gpu = (memoryGib: number | null, bindingGib = 4, software = false): GpuFacts => ({
  adapter: software ? 'llvmpipe (software)' : 'NVIDIA H200',
  software,
  maxBindingBytes: bindingGib * GIB - 4,
  memoryBytes: memoryGib === null ? null : memoryGib * GIB,
});
const webgpu = { ...BENCH_DEFAULTS, backend: 'webgpu' as const };

describe('gpuBatchSize', () => {
  it('fills a large GPU up to the cap, and halves while the estimate does not fit', () => {
    const shape = shapeOf('350m', 32100);
    expect(gpuBatchSize(shape, 512, gpu(141))).toBe(MAX_GPU_BATCH);
    const batch = gpuBatchSize(shape, 512, gpu(24));
    expect(stepBytesEstimate(shape, 512, batch)).toBeLessThanOrEqual(0.6 * 24 * GIB);
    expect(stepBytesEstimate(shape, 512, batch * 2)).toBeGreaterThan(0.6 * 24 * GIB);
  });

  it('keeps the logits [B T, V] within one storage binding', () => {
    // 4 x 512 x 32100 bytes = 62.7 MiB per sequence: two fit in 128 MiB, four do not
    expect(gpuBatchSize(shapeOf('60m', 32100), 512, gpu(141, 1 / 8))).toBe(2);
  });

  it('is 0 where not even one sequence fits', () => {
    expect(gpuBatchSize(shapeOf('1b', 32100), 512, gpu(16))).toBe(0);
  });
});

describe('planGpuMatrix', () => {
  it("runs the paper's presets at T = 512, r = 128, with 1b where the GPU holds it", () => {
    const plan = planGpuMatrix(webgpu, { backend: 'webgpu' }, false, gpu(141), shapeOf);
    expect(plan.options).toMatchObject({ ...GPU_MATRIX, presets: ['60m', '130m', '350m', '1b'] });
    expect(Object.keys(plan.options.batchSizes ?? {})).toEqual(plan.options.presets);
    expect(plan.skipped).toEqual([]);
    expect(plan.note).toMatch(/^batch sizes 60m 16, 130m 16, 350m 16, 1b \d+: /);
  });

  it('leaves 1b out, saying why, where the memory is too small (16 GiB assumed when unknown)', () => {
    const plan = planGpuMatrix(webgpu, { backend: 'webgpu' }, false, gpu(null), shapeOf);
    expect(plan.options.presets).toEqual(['60m', '130m', '350m']);
    expect(plan.skipped).toEqual([
      { id: '1b', reason: expect.stringMatching(/GiB at batch 1, over 60% .*assumed 16 GiB/) },
    ]);
  });

  it('--quick: 60m and 130m; flags the user set win', () => {
    const quick = { ...webgpu, ...QUICK };
    const given = { backend: 'webgpu' as const, steps: 3, batchSize: 4 };
    const plan = planGpuMatrix({ ...quick, ...given }, given, true, gpu(141), shapeOf);
    expect(plan.options).toMatchObject({ presets: ['60m', '130m'], seqLen: 512, steps: 3 });
    expect(plan.options.batchSizes).toBeUndefined();
    expect(plan.note).toBe('batch 4 (--batch-size)');
  });

  it('on a software adapter: the tiny matrix, quick or not', () => {
    for (const quick of [false, true]) {
      const plan = planGpuMatrix(webgpu, { backend: 'webgpu' }, quick, gpu(null, 2, true), shapeOf);
      expect(plan.options).toMatchObject({
        presets: ['tiny'],
        seqLen: 64,
        vocabSize: 258,
        ranks: [32],
      });
      expect(plan.note).toMatch(/^a software adapter: the tiny matrix/);
    }
  });
});

describe('knownGpuPeak', () => {
  it('names the float32 peak of known GPUs, the specific form first', () => {
    expect(knownGpuPeak('NVIDIA H200')?.fp32Flops).toBe(67e12);
    expect(knownGpuPeak('NVIDIA H100 PCIe')?.fp32Flops).toBe(51e12);
    expect(knownGpuPeak('NVIDIA H100 80GB HBM3')?.fp32Flops).toBe(67e12);
    expect(knownGpuPeak('NVIDIA A100-SXM4-80GB')?.fp32Flops).toBe(19.5e12);
    expect(knownGpuPeak('NVIDIA L4')?.name).toBe('NVIDIA L4');
    expect(knownGpuPeak('NVIDIA L40S')?.name).toBe('NVIDIA L40S');
    expect(knownGpuPeak('llvmpipe: Mesa 25.0.7 (software)')).toBeNull();
    expect(knownGpuPeak(null)).toBeNull();
  });
});
