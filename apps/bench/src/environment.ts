// The machine a run happened on: CPU, memory, GPU, Node, and the packages that matter.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { CaseMeasurement } from './case-schema';
import type { Environment } from './results-schema';

function gpuName(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim().split('\n').join('; ') || null;
  } catch {
    return null;
  }
}

/** Describes this machine; backend fields come from the first case that ran. */
export function describeEnvironment(
  backend: CaseMeasurement['backend'] | null,
  versions: Record<string, string>,
): Environment {
  const cpus = os.cpus();
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
    totalMemoryBytes: os.totalmem(),
    gpu: gpuName() ?? backend?.adapter ?? null,
  };
}
