// initBackend picks, reports and falls back as documented.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { initBackend } from './init-backend';
import { tfjsNodeUnavailable } from './tfjs-node-probe';
import { describeWebGpuAdapter } from './webgpu';

// A hardware WebGPU adapter would be picked before wasm.
const hardwareGpu = await describeWebGpuAdapter().then(
  (adapter) => !adapter.software,
  () => false,
);

describe('initBackend', () => {
  // First: the banner comes with the cpu backend's first tensor in the process.
  it('prints no tfjs banner on the cpu backend', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      await initBackend({ prefer: 'cpu' });
      tf.dispose(tf.add(tf.scalar(1), tf.scalar(2)));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it.each(['cpu', 'wasm'] as const)('forces %s and reports versions', async (prefer) => {
    const info = await initBackend({ prefer });
    expect(info.name).toBe(prefer);
    expect(tf.getBackend()).toBe(prefer);
    expect(info.versions['tfjs-core']).toBe('4.22.0');
    expect(info.versions[`tfjs-backend-${prefer}`]).toBe('4.22.0');
    expect(info.skipped).toEqual([]);
    expect(info.kernelErrors).toEqual([]);
  });

  it('registers UnsortedSegmentSum for wasm', async () => {
    const info = await initBackend({ prefer: 'wasm' });
    expect(info.kernels).toContain('UnsortedSegmentSum');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  // The tfjs-node packages are optional peers: pnpm links their JavaScript here without running
  // the install script that fetches the native binding, so neither loads on this machine.
  const nodeLoads = !tfjsNodeUnavailable('@tensorflow/tfjs-node');
  const nodeGpuLoads = !tfjsNodeUnavailable('@tensorflow/tfjs-node-gpu');

  it.skipIf(nodeLoads || nodeGpuLoads || hardwareGpu)(
    'without prefer skips webgpu and the tfjs-node packages silently and says why (skipped where one loads)',
    async () => {
      const warn = vi.spyOn(console, 'warn');
      try {
        const info = await initBackend();
        expect(info.name).toBe('wasm');
        // webgpu first: here a software adapter (lavapipe), no adapter at all, or no Dawn.
        expect(info.skipped.map((s) => s.name)).toEqual(['webgpu', 'tensorflow-gpu', 'tensorflow']);
        expect(info.skipped[0]!.reason).toMatch(
          /software adapter, never picked automatically|no WebGPU adapter|'webgpu' \(Dawn\) is not installed/,
        );
        for (const s of info.skipped.slice(1)) {
          expect(s.reason).toMatch(
            /@tensorflow\/tfjs-node(-gpu)? is (not installed|installed without its native binding)/,
          );
        }
        expect(warn).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
      }
    },
  );

  it.skipIf(nodeGpuLoads)(
    'names the backend and the cause when a forced backend cannot load (skipped where tfjs-node-gpu loads)',
    async () => {
      await expect(initBackend({ prefer: 'tensorflow-gpu' })).rejects.toThrow(
        /backend 'tensorflow-gpu' could not be loaded: @tensorflow\/tfjs-node-gpu is .+/,
      );
    },
  );

  it('rejects a bad thread count', async () => {
    await expect(initBackend({ prefer: 'wasm', wasmThreads: 0 })).rejects.toThrow(
      /wasmThreads must be an integer >= 1, got 0/,
    );
  });
});
