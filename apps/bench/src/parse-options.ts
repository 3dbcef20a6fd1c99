// Turns command-line values into `BenchOptions`: defaults < `--quick` < flags, validated.
import { type BackendName, INIT_BACKEND_DEFAULTS } from '@relora/backend';
import type { ResetMode } from '@relora/optim';
import { DATA_PARALLEL_BACKENDS } from '@relora/trainer/node';
import { InvalidArgumentError } from 'commander';
import {
  BENCH_DEFAULTS,
  type BenchMode,
  type BenchOptions,
  GPU_PRESETS,
  PEER_NAMES,
  type PeerName,
  QUICK,
  RESET_MODES,
  TRAINING_MODES,
} from './options';

const BACKENDS = INIT_BACKEND_DEFAULTS.order;

/** A positive integer, or a commander error naming what was expected. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

/** A number in [0, 1]. */
export function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`expected a number in [0, 1], got '${value}'`);
  return n;
}

/** A non-negative number. */
export function nonNegative(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n))
    throw new InvalidArgumentError(`expected a number >= 0, got '${value}'`);
  return n;
}

/** A comma-separated list of names, none empty. */
export function nameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((s) => s === ''))
    throw new InvalidArgumentError(`expected a comma-separated list, got '${value}'`);
  return names;
}

/** A comma-separated list of positive integers. */
export function intList(value: string): number[] {
  return nameList(value).map(positiveInt);
}

/** A comma-separated list of modes. */
export function modeList(value: string): BenchMode[] {
  return nameList(value).map((m) => {
    if (!TRAINING_MODES.includes(m as BenchMode))
      throw new InvalidArgumentError(
        `expected modes among ${TRAINING_MODES.join(', ')}, got '${m}'`,
      );
    return m as BenchMode;
  });
}

/** One of the reset modes. */
export function resetMode(value: string): ResetMode {
  if (!RESET_MODES.includes(value as ResetMode)) {
    throw new InvalidArgumentError(`expected one of ${RESET_MODES.join(', ')}, got '${value}'`);
  }
  return value as ResetMode;
}

/** One of the backends `@relora/backend` knows. */
export function backendName(value: string): BackendName {
  if (!BACKENDS.includes(value as BackendName))
    throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}, got '${value}'`);
  return value as BackendName;
}

/** One of the peers `--peer` knows. */
export function peerName(value: string): PeerName {
  if (!PEER_NAMES.includes(value as PeerName))
    throw new InvalidArgumentError(`expected one of ${PEER_NAMES.join(', ')}, got '${value}'`);
  return value as PeerName;
}

/**
 * Data-parallel workers (w > 1) are refused with backend threads > 1: each worker runs one backend
 * thread of its own, so the two would compete for the same cores and neither ratio would mean
 * anything. Workers also need a backend that loads in a worker thread.
 */
function checkWorkers(options: BenchOptions): void {
  const parallel = options.workers.filter((w) => w > 1);
  if (parallel.length === 0) return;
  const threaded = options.threads.filter((t) => t > 1);
  if (threaded.length > 0) {
    throw new InvalidArgumentError(
      `--workers ${parallel.join(',')} with --threads ${threaded.join(',')}: data-parallel ` +
        'workers run one backend thread each; compare them in separate runs ' +
        '(--threads 1,2, then --workers 1,2)',
    );
  }
  const backends: readonly string[] = DATA_PARALLEL_BACKENDS;
  if (options.backend !== undefined && !backends.includes(options.backend)) {
    throw new InvalidArgumentError(
      `--workers ${parallel.join(',')}: data-parallel workers run on the wasm or cpu backend, ` +
        `not ${options.backend}`,
    );
  }
}

/** Flags as commander gives them: only those the user set are present. */
export type Flags = Partial<BenchOptions> & { quick?: boolean };

/** Merges defaults, `--quick` and flags; the GPU presets join the default matrix on tensorflow-gpu. */
export function resolveOptions(flags: Flags): BenchOptions {
  const { quick, ...given } = flags;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const options: BenchOptions = { ...BENCH_DEFAULTS, ...(quick ? QUICK : {}), ...defined };
  if (!quick && !given.presets && options.backend === 'tensorflow-gpu') {
    options.presets = [...options.presets, ...GPU_PRESETS];
  }
  if (options.warmupSteps < 1) {
    throw new InvalidArgumentError(
      '--warmup-steps must be at least 1 (AdamW allocates m and v in the first step)',
    );
  }
  checkWorkers(options);
  if (options.python !== undefined && options.peer === undefined) {
    throw new InvalidArgumentError("--python names the peer's interpreter: give --peer torch too");
  }
  return options;
}
