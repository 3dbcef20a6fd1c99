// Runs the matrix: one child process per case, then analytical counts, derived figures and checks.
import { createRequire } from 'node:module';
import { assembleCase, planCase } from './case-plan';
import { checkCase, describeTolerance } from './checks';
import { compareCases } from './comparisons';
import { describeEnvironment } from './environment';
import { FLOPS_FORMULA } from './flops';
import { expandMatrix } from './matrix';
import { METHOD_FORMULAS } from './method-analytical';
import { type BenchOptions, PLAIN_MODES } from './options';
import { PeerSession, peerChecks } from './peer-session';
import { presetConfig } from './presets';
import {
  type BenchResults,
  type CaseResult,
  type Environment,
  validateResults,
} from './results-schema';
import { type ChildOutcome, runChild } from './runner';

export interface BenchHooks {
  /** Progress lines (children's included). */
  log?: (line: string) => void;
  /** Called as each case finishes. */
  onCase?: (result: CaseResult) => void;
}

const PACKAGES = ['@relora/backend', '@relora/llama', '@relora/lora', '@relora/optim'];

function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {
    'relora-bench': (require('../package.json') as { version: string }).version,
  };
  for (const name of [...PACKAGES, '@tensorflow/tfjs-core']) {
    try {
      versions[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      versions[name] = 'unknown';
    }
  }
  return versions;
}

// Backends whose cases ran on the GPU; elsewhere a GPU in the machine says nothing of the speed.
const GPU_BACKENDS = new Set(['webgpu', 'tensorflow-gpu']);

/** Sets a case's model FLOP/s over the GPU's float32 peak, where it ran on a GPU of known peak. */
function setFractionOfPeak(result: CaseResult, peak: Environment['gpuPeak']): void {
  if (!peak || !result.derived || !GPU_BACKENDS.has(result.measured?.backend.name ?? '')) return;
  result.derived.fractionOfPeak = result.derived.achievedFlops / peak.fp32Flops;
}

/** Runs every case of the matrix in `options` and returns validated results. */
export async function runBench(
  options: BenchOptions,
  hooks: BenchHooks = {},
): Promise<BenchResults> {
  const configs = Object.fromEntries(
    options.presets.map((p) => [p, presetConfig(p, options.vocabSize, options.seqLen)]),
  );
  const matrix = expandMatrix(options, configs);
  const tolerance = { relative: options.tolerance, bytes: options.toleranceBytes };
  const plans = matrix.cases.map((c) => planCase(c, configs[c.preset]!, options));
  const outcomes = plans.map((): ChildOutcome[] => []);
  // --peer: the same case in PyTorch right after each of its rounds (ours, peer, ours, peer...)
  const peer = await PeerSession.start(options, plans, hooks.log);
  // Rounds run the whole matrix again, interleaved, so a burst of load on a shared machine
  // lands on every case instead of one.
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const tag = options.rounds > 1 ? `round ${round}/${options.rounds} ` : '';
      for (const [i, plan] of plans.entries()) {
        hooks.log?.(`[${tag}${i + 1}/${plans.length}] ${plan.spec.case.id}`);
        const outcome = await runChild(plan.spec, {
          timeoutSec: options.caseTimeoutSec,
          onLog: (line) => hooks.log?.(`  ${line}`),
        });
        outcomes[i]!.push(outcome);
        await peer?.runCase(i, options.caseTimeoutSec, hooks.log);
      }
    }
  } finally {
    peer?.close();
  }
  const cases = plans.map((plan, i) => assembleCase(plan, outcomes[i]!, options));
  peer?.attach(cases);
  const firstBackend = cases.find((r) => r.measured)?.measured?.backend ?? null;
  const environment = {
    ...describeEnvironment(firstBackend, packageVersions()),
    peer: peer?.environment() ?? null,
  };
  for (const result of cases) setFractionOfPeak(result, environment.gpuPeak);
  for (const result of cases) hooks.onCase?.(result);
  const checks = [
    ...cases.flatMap((r) =>
      r.measured ? checkCase(r.id, r.analytical, r.measured, tolerance) : [],
    ),
    ...peerChecks(cases),
  ];
  return validateResults({
    schemaVersion: 1,
    tool: 'relora-bench',
    createdAt: new Date().toISOString(),
    environment,
    settings: { ...options },
    flopsFormula: options.modes.some((m) => !PLAIN_MODES.has(m))
      ? `${FLOPS_FORMULA} ${METHOD_FORMULAS}`
      : FLOPS_FORMULA,
    tolerance: { ...tolerance, statement: describeTolerance(tolerance) },
    cases,
    skipped: [...(options.presetSkips ?? []), ...matrix.skipped, ...(peer?.skipped ?? [])],
    checks,
    comparisons: compareCases(cases),
    summary: {
      cases: cases.length,
      failedCases: cases.filter((r) => r.status === 'failed').length,
      checksPassed: checks.filter((k) => k.ok).length,
      checksFailed: checks.filter((k) => !k.ok).length,
    },
  });
}
