// initBackend picks, reports and falls back as documented.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend';

describe('initBackend', () => {
  it.each(['cpu', 'wasm'] as const)('forces %s and reports versions', async (prefer) => {
    const info = await initBackend({ prefer });
    expect(info.name).toBe(prefer);
    expect(tf.getBackend()).toBe(prefer);
    expect(info.versions['tfjs-core']).toBe('4.22.0');
    expect(info.versions[`tfjs-backend-${prefer}`]).toBe('4.22.0');
    expect(info.skipped).toEqual([]);
  });

  it('registers UnsortedSegmentSum for wasm', async () => {
    const info = await initBackend({ prefer: 'wasm' });
    expect(info.kernels).toContain('UnsortedSegmentSum');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('without prefer skips the tfjs-node packages (not installed here) and says why', async () => {
    const info = await initBackend();
    expect(['wasm', 'tensorflow', 'tensorflow-gpu']).toContain(info.name);
    if (info.name === 'wasm') {
      expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
      for (const s of info.skipped) expect(s.reason.length).toBeGreaterThan(0);
    }
  });

  it('names the backend and the cause when a forced backend cannot load', async () => {
    const loads = await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node-gpu'].join('/')).then(
      () => true,
      () => false,
    );
    if (loads) return;
    await expect(initBackend({ prefer: 'tensorflow-gpu' })).rejects.toThrow(
      /backend 'tensorflow-gpu' could not be loaded: .+/,
    );
  });

  it('rejects a bad thread count', async () => {
    await expect(initBackend({ prefer: 'wasm', wasmThreads: 0 })).rejects.toThrow(
      /wasmThreads must be an integer >= 1, got 0/,
    );
  });
});
