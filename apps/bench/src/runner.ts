// Runs one case in a fresh Node process, so one mode cannot inflate another's memory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CaseMeasurement, type CaseSpec, caseMeasurementSchema } from './case-schema';
import { parseResultLine } from './protocol';

export type ChildOutcome =
  | { ok: true; measurement: CaseMeasurement; wallSec: number }
  | { ok: false; error: string; wallSec: number };

/**
 * The child's entry sits next to this module: `child.js` in the built `dist`, `child.ts` when run
 * from source through tsx (whose loader flags are in `process.execArgv` and are passed on).
 */
export function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const entry = here.replace(/[^/\\]+$/, here.endsWith('.ts') ? 'child.ts' : 'child.js');
  if (!existsSync(entry))
    throw new Error(`relora-bench: child entry ${entry} is missing; build the app`);
  return entry;
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Spawns the child for `spec`, forwards its progress lines, and validates what it prints. */
export function runChild(
  spec: CaseSpec,
  options: { timeoutSec: number; onLog?: (line: string) => void },
): Promise<ChildOutcome> {
  const started = Date.now();
  const wallSec = () => (Date.now() - started) / 1000;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, childEntry(), JSON.stringify(spec)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutSec * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal
          ? `killed by ${signal} (timeout ${options.timeoutSec} s?)`
          : `exit ${code}`;
        resolve({ ok: false, error: `child ${why}: ${tail(stderr)}`, wallSec: wallSec() });
        return;
      }
      try {
        const parsed = caseMeasurementSchema.safeParse(parseResultLine(stdout));
        if (!parsed.success) throw new Error(parsed.error.message);
        resolve({ ok: true, measurement: parsed.data, wallSec: wallSec() });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        resolve({ ok: false, error: `child result unreadable: ${message}`, wallSec: wallSec() });
      }
    });
  });
}
