// Runs first in the archive's bench and pretrain: webgpu unless --backend names another, and, where
// no WebGPU adapter can be used, one line and exit code 4 before the app starts (instead of every
// bench case failing with Dawn's log, or a driver that never answers).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exit code when no usable WebGPU adapter exists. */
export const NO_ADAPTER_EXIT = 4;
/** How long the adapter probe may take before it counts as a hang. */
const PROBE_TIMEOUT_MS = 60_000;

/** The value of the last `--backend x` or `--backend=x` in `args`; undefined where none is. */
export function backendArg(args: readonly string[]): string | undefined {
  let value: string | undefined;
  for (const [i, arg] of args.entries()) {
    if (arg === '--backend') value = args[i + 1];
    else if (arg.startsWith('--backend=')) value = arg.slice('--backend='.length);
  }
  return value;
}

/**
 * The arguments the app gets: `--backend webgpu` first unless the user named a backend (or a
 * pretrain config file, which may name one), and whether the WebGPU adapter must be checked first.
 */
export function planArgs(args: readonly string[]): { args: string[]; checkAdapter: boolean } {
  if (args.some((a) => /^(-h|--help|-V|--version)$/.test(a))) {
    return { args: [...args], checkAdapter: false };
  }
  const named = backendArg(args);
  const config = args.some((a) => /^--(config|training_config)(=|$)/.test(a));
  if (named === undefined && !config) {
    return { args: ['--backend', 'webgpu', ...args], checkAdapter: true };
  }
  return { args: [...args], checkAdapter: named === 'webgpu' };
}

/** What the probe (webgpu-probe.ts, beside this bundle) says about the adapter. */
export type ProbeAnswer = { ok: true; adapter: string } | { ok: false; reason: string };

/** Marks the probe's answer on its stdout. */
export const PROBE_MARKER = 'relora-gpu-probe:';

/** Runs the probe in a child process: Dawn's own log stays out of the user's terminal. */
function probeAdapter(): Promise<ProbeAnswer & { log: string }> {
  const probe = join(fileURLToPath(new URL('.', import.meta.url)), 'webgpu-probe.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [probe], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(PROBE_MARKER));
      if (line) {
        resolve({ ...(JSON.parse(line.slice(PROBE_MARKER.length)) as ProbeAnswer), log });
        return;
      }
      const reason = signal
        ? `the WebGPU adapter probe did not answer in ${PROBE_TIMEOUT_MS / 1000} s (a GPU driver that hangs?)`
        : `the WebGPU adapter probe exited with code ${code}: ${log.trim().split('\n').at(-1) ?? ''}`;
      resolve({ ok: false, reason, log });
    });
  });
}

/**
 * Sets `process.argv` for the app (see {@link planArgs}) and, when it will run on webgpu, stops
 * the process with one line on stderr and exit code 4 if the adapter probe fails.
 */
export async function preflight(app: string): Promise<void> {
  const plan = planArgs(process.argv.slice(2));
  process.argv.splice(2, process.argv.length - 2, ...plan.args);
  if (!plan.checkAdapter) return;
  const answer = await probeAdapter();
  if (answer.ok) return;
  if (plan.args.includes('--verbose')) process.stderr.write(answer.log);
  process.stderr.write(
    `${app}: ${answer.reason} (README.md beside this launcher says what the host needs; --backend wasm runs on the CPU)\n`,
  );
  process.exit(NO_ADAPTER_EXIT);
}
