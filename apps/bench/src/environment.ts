// The machine a run happened on: CPU, memory, GPU, Node, and the packages that matter.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { CaseMeasurement } from './case-schema';
import { knownGpuPeak } from './gpu-peaks';
import type { Environment } from './results-schema';

// One nvidia-smi query, a line per GPU; null where nvidia-smi is missing or says nothing.
function nvidiaSmi(field: string): string[] | null {
  try {
    const out = execFileSync(
      'nvidia-smi',
      [`--query-gpu=${field}`, '--format=csv,noheader,nounits'],
      {
        encoding: 'utf8',
        timeout: 5000,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const lines = out.trim().split('\n').filter(Boolean);
    return lines.length > 0 ? lines : null;
  } catch {
    return null;
  }
}

function gpuName(): string | null {
  return nvidiaSmi('name')?.join('; ') ?? null;
}

/** The first GPU's memory as nvidia-smi reports it, in bytes; null without nvidia-smi. */
export function nvidiaGpuMemoryBytes(): number | null {
  const mib = Number(nvidiaSmi('memory.total')?.[0]);
  return Number.isFinite(mib) && mib > 0 ? mib * 2 ** 20 : null;
}

/** Describes this machine; backend fields come from the first case that ran. */
export function describeEnvironment(
  backend: CaseMeasurement['backend'] | null,
  versions: Record<string, string>,
): Environment {
  const cpus = os.cpus();
  const gpu = gpuName() ?? backend?.adapter ?? null;
  return {
    backend: backend?.name ?? null,
    tfBackend: backend?.tfBackend ?? null,
    versions: { ...versions, ...(backend?.versions ?? {}) },
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: Math.max(1, cpus.length),
    threads: backend?.threads ?? null,
    wasmSimd: backend?.wasmSimd ?? null,
    totalMemoryBytes: os.totalmem(),
    gpu,
    gpuPeak: knownGpuPeak(gpu),
    peer: null, // set by the peer session, where there is one
  };
}
