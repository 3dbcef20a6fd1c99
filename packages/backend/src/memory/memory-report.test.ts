// memoryReport counts live tensor bytes and the exact peak since the last reset.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { memoryReport, resetPeakMemory } from './memory-report';

describe.each(['cpu', 'wasm'] as const)('memoryReport on %s', (prefer) => {
  it('reports bytes now, the peak inside a tidy, and RSS', async () => {
    await initBackend({ prefer });
    resetPeakMemory();
    const start = memoryReport();
    expect(start.peakTensorBytes).toBe(start.tensorBytes);
    const kept = tf.zeros([100]); // 400 bytes
    tf.tidy(() => {
      // Two 4000-byte temporaries live at once, then freed by tidy.
      const a = tf.ones([1000]);
      tf.add(a, a);
    });
    const end = memoryReport();
    expect(end.tensorBytes - start.tensorBytes).toBe(400);
    expect(end.peakTensorBytes - start.tensorBytes).toBe(400 + 8000);
    expect(end.rssBytes).toBeGreaterThan(0);
    if (prefer === 'wasm') expect(end.wasmHeapBytes).toBeGreaterThan(0);
    resetPeakMemory();
    expect(memoryReport().peakTensorBytes).toBe(end.tensorBytes);
    kept.dispose();
  });
});
