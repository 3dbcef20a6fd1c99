// The archive's WebGPU probe, run by preflight.ts in a child process: initialises the webgpu
// backend as the apps will, prints one marked JSON line (the adapter, or why there is none), exits.
import { adapterName, initBackend, releaseBackend } from '@relora/backend';
import { PROBE_MARKER, type ProbeAnswer } from './preflight';

async function answer(): Promise<ProbeAnswer> {
  try {
    const info = await initBackend({ prefer: 'webgpu' });
    return { ok: true, adapter: info.adapter ? adapterName(info.adapter) : 'unnamed adapter' };
  } catch (error) {
    return {
      ok: false,
      reason: (error instanceof Error ? error.message : String(error)).split('\n')[0]!,
    };
  }
}

const result = await answer();
process.stdout.write(`${PROBE_MARKER}${JSON.stringify(result)}\n`);
releaseBackend();
// Dawn's instance can keep the event loop alive (the webgpu package says so).
process.exit(0);
