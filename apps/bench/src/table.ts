// The results as a plain-text table for stdout.
import type { TwoThreadCeiling } from './case-schema';
import { mib, millions, percent, sig } from './format';
import { STEADY_STATE_WARMUP_STEPS } from './options';
import type { BenchResults, CaseResult } from './results-schema';

const HEADERS = [
  'case',
  'params M',
  'train M',
  'weights',
  'grads',
  'adam m+v',
  'activ.',
  'peak',
  'RSS',
  'step ms (q1-q3)',
  'fwd ms',
  'bwd ms',
  'tok/s',
  'GFLOP/s',
  'of matmul',
  'merge ms',
  'reset ms',
  'checks',
];

function row(r: CaseResult, failedChecks: Set<string>): string[] {
  const a = r.analytical;
  const m = r.measured;
  const d = r.derived;
  if (!m || !d) return [r.id, millions(a.params.total), millions(a.params.trainable), 'FAILED'];
  const step = m.timing.stepMs;
  return [
    r.id,
    millions(m.params.total),
    millions(m.params.trainable),
    mib(a.bytes.weights),
    mib(a.bytes.gradients),
    mib(a.bytes.optimizer),
    mib(m.memory.activationBytes),
    mib(m.memory.peakBytes),
    mib(m.memory.maxRssBytes),
    `${sig(step.median)} (${sig(step.q1)}-${sig(step.q3)})`,
    m.timing.forwardMs ? sig(m.timing.forwardMs.median) : '-',
    d.backwardMs === null ? '-' : sig(d.backwardMs),
    sig(d.tokensPerSec.median),
    sig(d.achievedFlops / 1e9),
    percent(d.fractionOfMatmul),
    m.timing.mergeMs ? sig(m.timing.mergeMs.median) : '-',
    m.timing.resetMs ? sig(m.timing.resetMs.median) : '-',
    failedChecks.has(r.id) ? 'MISMATCH' : 'ok',
  ];
}

// Columns only some runs have, before `checks`: a method's own state (analytical; SwitchLoRA's
// candidate pools), and on a GPU the fraction of its float32 peak and the dispatches and CPU-GPU
// syncs of one step (webgpu).
const EXTRA_COLUMNS: Array<[string, (r: CaseResult) => string | null]> = [
  ['state', (r) => (r.analytical.bytes.state === undefined ? null : mib(r.analytical.bytes.state))],
  [
    'of peak',
    (r) => (r.derived?.fractionOfPeak == null ? null : percent(r.derived.fractionOfPeak)),
  ],
  ['disp/step', (r) => (r.measured?.gpuWork ? String(r.measured.gpuWork.dispatches) : null)],
  ['syncs/step', (r) => (r.measured?.gpuWork ? String(r.measured.gpuWork.syncs) : null)],
  // --peer torch: the same case's tokens/s in PyTorch, and ours over it
  [
    'torch tok/s',
    (r) => (r.peer ? (r.peer.tokensPerSec ? sig(r.peer.tokensPerSec.median) : 'FAILED') : null),
  ],
  ['ours/torch', (r) => (r.peer?.ratio == null ? null : `${r.peer.ratio.toFixed(2)}x`)],
];

/** A fixed-width table (memory in MiB; weights, grads and m+v analytical, the rest measured). */
export function formatTable(results: BenchResults): string {
  const failed = new Set(results.checks.filter((c) => !c.ok).map((c) => c.caseId));
  const extra = EXTRA_COLUMNS.filter(([, cell]) => results.cases.some((r) => cell(r) !== null));
  const at = HEADERS.length - 1;
  const withExtra = (cells: string[], added: string[]) =>
    cells.length === HEADERS.length ? [...cells.slice(0, at), ...added, cells[at]!] : cells;
  const headers = withExtra(
    HEADERS,
    extra.map(([name]) => name),
  );
  const rows = [
    headers,
    ...results.cases.map((r) =>
      withExtra(
        row(r, failed),
        extra.map(([, cell]) => cell(r) ?? '-'),
      ),
    ),
  ];
  const widths = headers.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [
    line(headers),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A workers case's two-thread ceilings as ranges over its measurements (every round's). */
export function formatCeiling(ceilings: TwoThreadCeiling[]): string {
  const range = (xs: number[]) => {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)].map((x) => x.toFixed(2));
    return lo === hi ? `${lo}x` : `${lo}-${hi}x`;
  };
  return (
    `latency loop ${range(ceilings.map((k) => k.latency.scaling))}, ` +
    `FP loop ${range(ceilings.map((k) => k.fpThroughput.scaling))} ` +
    `(${ceilings.length} measurements; 2 = two free cores)`
  );
}

/** Environment, ceiling, check failures and skipped cases, as lines under the table. */
export function formatNotes(results: BenchResults): string {
  const env = results.environment;
  const ceiling = results.cases.find((r) => r.derived)?.derived?.matmulFlops;
  const lines = [
    `backend ${env.backend ?? '?'} (${env.tfBackend ?? '?'}), threads ${env.threads ?? 'default'}${env.wasmSimd ? `, relaxed SIMD ${env.wasmSimd.relaxedSimd ? 'yes' : 'no'}, FMA ${env.wasmSimd.fma ? 'on' : 'off'}` : ''}, ` +
      `${env.cpuModel} x${env.cpuCount}, node ${env.node}${env.gpu ? `, GPU ${env.gpu}` : ''}`,
    `memory in MiB: weights, grads, adam m+v analytical (float32; galore/fira: + projectors and ` +
      `projected moments); activ. = peak - resident, peak, ` +
      `RSS (max) measured. plain matmul ceiling ${ceiling ? sig(ceiling / 1e9) : '?'} GFLOP/s`,
    `checks: ${results.summary.checksPassed} passed, ${results.summary.checksFailed} failed`,
  ];
  if (env.gpuPeak) {
    lines.push(
      `  GPU float32 peak ${sig(env.gpuPeak.fp32Flops / 1e12)} TFLOP/s (${env.gpuPeak.name}; ${env.gpuPeak.source}); of peak = model FLOP/s / peak`,
    );
  }
  const peer = results.environment.peer;
  if (peer) {
    lines.push(
      `  torch peer: torch ${peer.torch}, python ${peer.python} (${peer.executable}), BLAS ${peer.blasKind ?? peer.blas ?? '?'}, ` +
        `${peer.cpuCapability ?? '?'}, attention ${peer.attention}, OMP_WAIT_POLICY ${peer.ompWaitPolicy}; threads per case: 1, or the case's workers/threads`,
    );
  }
  if (results.cases.some((r) => r.measured?.gpuWork)) {
    lines.push(
      '  disp/step, syncs/step: compute dispatches and CPU-GPU waits of one update step as the ' +
        'trainer runs it (one more step, untimed; the timed steps add waits to stop their clocks)',
    );
  }
  if (results.cases.some((r) => r.measured?.memory.accounting === 'gpu-buffers')) {
    lines.splice(
      2,
      0,
      "  measured memory on webgpu: the backend's own count of its GPU buffers (memoryReport().gpuBytes)",
    );
  }
  for (const k of results.comparisons) {
    lines.push(`  ${k.name}: ${k.caseId} / ${k.baselineId} = ${k.ratio.toFixed(2)}`);
  }
  if (results.cases.some((r) => r.workers > 1)) {
    lines.push(
      '  wN cases: data-parallel weak scaling, each of N threads a whole micro-batch per step ' +
        "(tokens/step = N x batch x seq); memory and checks are the main thread's; fwd, bwd and " +
        'restarts not timed',
    );
    const setting = results.settings.warmupSteps;
    const warmups = results.cases
      .filter((r) => r.workers > 1)
      .map((r) => r.measured?.warmupStepsRun ?? (typeof setting === 'number' ? setting : null))
      .filter((n): n is number => n !== null);
    const fewest = Math.min(...warmups);
    if (fewest < STEADY_STATE_WARMUP_STEPS) {
      lines.push(
        `  wN cases after ${fewest} warm-up steps: V8 keeps optimizing the step's JavaScript for ` +
          'its first ~50 steps, on threads that then compete with the workers for the cores; ' +
          `--warmup-steps ${STEADY_STATE_WARMUP_STEPS} measures the steady state`,
      );
    }
  }
  for (const r of results.cases) {
    const ran = r.measured?.backend.threads;
    if (r.threads !== null && ran != null && ran !== r.threads) {
      lines.push(`  note ${r.id}: asked for ${r.threads} threads, the backend ran ${ran}`);
    }
    const ceilings = r.measured?.twoThreadCeiling;
    if (ceilings && ceilings.length > 0) {
      lines.push(`  two-thread ceiling ${r.id}: ${formatCeiling(ceilings)}`);
    }
  }
  for (const c of results.checks.filter((k) => !k.ok))
    lines.push(`  MISMATCH ${c.caseId} ${c.name}: ${c.message}`);
  for (const r of results.cases.filter((k) => k.error)) lines.push(`  FAILED ${r.id}: ${r.error}`);
  for (const r of results.cases.filter((k) => k.peer?.error))
    lines.push(`  FAILED torch ${r.id}: ${r.peer?.error}`);
  for (const s of results.skipped) lines.push(`  skipped ${s.id}: ${s.reason}`);
  return lines.join('\n');
}
