// Runs the matrix: one child process per case, then analytical counts, derived figures and checks.
import { createRequire } from 'node:module';
import { countBytes, countParameters, sequenceBufferBytes } from './analytical';
import type { CaseSpec } from './case-schema';
import { checkCase, describeTolerance } from './checks';
import { compareCases } from './comparisons';
import { deriveFigures } from './derive';
import { describeEnvironment } from './environment';
import { FLOPS_FORMULA, flopsPerToken } from './flops';
import { expandMatrix } from './matrix';
import type { ModelShape } from './model-shape';
import type { BenchOptions } from './options';
import { presetConfig } from './presets';
import { type BenchResults, type CaseResult, validateResults } from './results-schema';
import { runChild } from './runner';

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

function shapeOf(config: ModelShape): ModelShape {
  const { vocabSize, hiddenSize, intermediateSize, numLayers, numHeads } = config;
  return {
    vocabSize,
    hiddenSize,
    intermediateSize,
    numLayers,
    numHeads,
    tieWordEmbeddings: !!config.tieWordEmbeddings,
  };
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
  const cases: CaseResult[] = [];
  for (const [index, c] of matrix.cases.entries()) {
    hooks.log?.(`[${index + 1}/${matrix.cases.length}] ${c.id}`);
    const config = configs[c.preset]!;
    const shape = shapeOf(config);
    const lora = c.rank === null ? undefined : { rank: c.rank };
    const params = countParameters(shape, c.mode, lora);
    const analytical = {
      params,
      bytes: countBytes(params),
      bufferBytes: sequenceBufferBytes(shape, options.seqLen),
      flopsPerToken: flopsPerToken(shape, c.mode, options.seqLen, lora),
    };
    const spec: CaseSpec = {
      case: c,
      config,
      backend: options.backend ?? null,
      batchSize: options.batchSize,
      seqLen: options.seqLen,
      warmupSteps: options.warmupSteps,
      steps: options.steps,
      restartRepeats: options.restartRepeats,
      loraAlpha: options.loraAlpha,
      loraDropout: options.loraDropout,
      resetMode: options.resetMode,
      resetRatio: options.resetRatio,
      seed: options.seed,
    };
    const outcome = await runChild(spec, {
      timeoutSec: options.caseTimeoutSec,
      onLog: (line) => hooks.log?.(`  ${line}`),
    });
    const result: CaseResult = {
      ...c,
      status: outcome.ok ? 'ok' : 'failed',
      error: outcome.ok ? null : outcome.error,
      wallSec: outcome.wallSec,
      shape,
      analytical,
      measured: outcome.ok ? outcome.measurement : null,
      derived: outcome.ok
        ? deriveFigures(outcome.measurement, {
            batchSize: options.batchSize,
            seqLen: options.seqLen,
            flopsPerToken: analytical.flopsPerToken,
            reloraEvery: options.reloraEvery,
          })
        : null,
    };
    cases.push(result);
    hooks.onCase?.(result);
  }
  const checks = cases.flatMap((r) =>
    r.measured ? checkCase(r.id, r.analytical, r.measured, tolerance) : [],
  );
  const firstBackend = cases.find((r) => r.measured)?.measured?.backend ?? null;
  return validateResults({
    schemaVersion: 1,
    tool: 'relora-bench',
    createdAt: new Date().toISOString(),
    environment: describeEnvironment(firstBackend, packageVersions()),
    settings: { ...options },
    flopsFormula: FLOPS_FORMULA,
    tolerance: { ...tolerance, statement: describeTolerance(tolerance) },
    cases,
    skipped: matrix.skipped,
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
