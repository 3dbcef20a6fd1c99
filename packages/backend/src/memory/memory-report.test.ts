// memoryReport counts live tensor bytes and the exact peak since the last reset, and GPU bytes on webgpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select/init-backend';
import { describeOnWebGpu } from '../select/webgpu.test-support';
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

// The backend's own count of its GPU buffers: uploads are lazy and a reshape shares its buffer, so
// these bytes differ from the engine's tensor bytes, and they are what the GPU holds.
describeOnWebGpu('memoryReport on webgpu', () => {
  it('reports the GPU bytes held now, their exact peak and the pool', async () => {
    const a = tf.ones([1000]);
    await tf.sum(a).data(); // uploads a: 4000 bytes now on the GPU
    resetPeakMemory();
    const start = memoryReport();
    expect(start.gpuBytes).toBeGreaterThanOrEqual(4000);
    expect(start.peakGpuBytes).toBe(start.gpuBytes);
    const kept = tf.add(a, a); // 4000 bytes more, kept
    const shared = tf.reshape(kept, [10, 100]); // no new buffer
    tf.tidy(() => {
      tf.mul(tf.add(a, a), 2); // two 4000-byte temporaries at once, freed into the pool
    });
    // Buffers are acquired as kernels are called, so the peak is known before any read; the
    // read's own staging buffer would count too.
    const peak = memoryReport().peakGpuBytes!;
    // The scalar 2 (4 bytes) and the kernels' uniform buffers sit on top of the tensors' buffers.
    expect(peak - start.gpuBytes!).toBeGreaterThanOrEqual(4000 + 8000);
    expect(peak - start.gpuBytes!).toBeLessThan(4000 + 8000 + 1024);
    await shared.data(); // submits the queue: the uniforms go back to the pool
    const end = memoryReport();
    expect(end.gpuBytes! - start.gpuBytes!).toBe(4000);
    expect(end.tensorBytes - start.tensorBytes).toBe(8000);
    expect(end.gpuAllocatedBytes).toBeGreaterThanOrEqual(end.peakGpuBytes!);
    tf.dispose([a, kept, shared]);
  });
});
