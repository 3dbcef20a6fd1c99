// What the suite reads about the GPU before the GPU matrix is planned: the adapter, its binding
// limit, and the memory (nvidia-smi or --gpu-memory-gib; WebGPU does not say).
import { adapterName, probeWebGpuAdapter } from '@relora/backend';
import { nvidiaGpuMemoryBytes } from './environment';
import type { GpuFacts } from './gpu-matrix';

/**
 * Probes the WebGPU adapter in a child process (Dawn's warnings stay out of this one). Rejects
 * with the probe's one-line reason where there is no adapter.
 */
export async function readGpuFacts(gpuMemoryGib?: number): Promise<GpuFacts> {
  const adapter = await probeWebGpuAdapter();
  return {
    adapter: adapterName(adapter),
    software: adapter.software,
    maxBindingBytes: Math.min(
      adapter.limits.maxStorageBufferBindingSize,
      adapter.limits.maxBufferSize,
    ),
    memoryBytes: gpuMemoryGib !== undefined ? gpuMemoryGib * 2 ** 30 : nvidiaGpuMemoryBytes(),
  };
}
