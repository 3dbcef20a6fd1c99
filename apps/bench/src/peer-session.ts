// `--peer torch`: each case of the matrix also run in PyTorch, right after each of its own rounds.
import type { CasePlan } from './case-plan';
import { BENCH_LR } from './method-step';
import { type BenchOptions, PLAIN_MODES, STEADY_STATE_WARMUP_STEPS } from './options';
import type { PeerRequest } from './peer-protocol';
import type { PeerCase, PeerEnvironment } from './peer-results-schema';
import type { CaseResult, Check } from './results-schema';
import { mapSummary, summarize } from './stats';
import { MAX_GRAD_NORM } from './timed-step';
import { type PeerOutcome, type PeerProcess, startTorchPeer } from './torch-peer';

/**
 * The PyTorch request of a case, or null for a mode the peer has no counterpart of. Both sides
 * step over the same tokens: a workers case (w > 1, one micro-batch per thread) is one batch of
 * w x batch rows on w torch threads; a `--threads` case runs torch on as many threads; otherwise
 * one thread.
 */
export function peerRequest(plan: CasePlan): PeerRequest | null {
  const { spec } = plan;
  const c = spec.case;
  if (!PLAIN_MODES.has(c.mode)) return null;
  const { maxSeqLen: _, ...model } = spec.config;
  return {
    id: c.id,
    mode: c.mode === 'full' ? 'full' : 'lora',
    model,
    rank: c.rank,
    loraAlpha: spec.loraAlpha,
    loraDropout: spec.loraDropout,
    batchSize: c.workers * spec.batchSize,
    seqLen: spec.seqLen,
    threads: c.workers > 1 ? c.workers : (c.threads ?? 1),
    warmupSteps: spec.warmupSteps,
    warmupSec: spec.warmupSec,
    settleSteps: STEADY_STATE_WARMUP_STEPS,
    steps: spec.steps,
    seed: spec.seed,
    lr: BENCH_LR,
    maxGradNorm: MAX_GRAD_NORM,
  };
}

/**
 * A case's peer figures from its rounds: step times pooled over every round, tokens/s, and our
 * median tokens/s over the peer's (`ours` is the case's own result, null when it failed).
 */
export function peerCase(
  request: PeerRequest,
  outcomes: PeerOutcome[],
  ours: CaseResult['derived'],
): PeerCase {
  const tokensPerStep = request.batchSize * request.seqLen;
  const base = {
    name: 'torch' as const,
    mode: request.mode,
    threads: request.threads,
    tokensPerStep,
    rounds: outcomes.length,
  };
  const failed = outcomes.find((o) => !o.ok);
  const results = outcomes.flatMap((o) => (o.ok ? [o.result] : []));
  const first = results[0];
  if (failed || !first) {
    const error = failed && !failed.ok ? failed.error : 'the peer ran no round';
    const empty = { stepMs: null, tokensPerSec: null, ratio: null, params: null, loss: null };
    return { ...base, status: 'failed', error, ...empty, warmupStepsRun: null };
  }
  const stepMs = summarize(results.flatMap((r) => r.stepSec.map((s) => s * 1000)));
  const tokensPerSec = mapSummary(stepMs, (ms) => (tokensPerStep * 1000) / ms);
  return {
    ...base,
    status: 'ok',
    error: null,
    stepMs,
    tokensPerSec,
    ratio: ours ? ours.tokensPerSec.median / tokensPerSec.median : null,
    params: first.params,
    loss: first.loss,
    warmupStepsRun: Math.min(...results.map((r) => r.warmupStepsRun)),
  };
}

/**
 * The peer's model must be the case's: its parameter counts (total, trainable) equal the
 * analytical ones, or its tokens/s would be another model's.
 */
export function peerChecks(cases: CaseResult[]): Check[] {
  return cases.flatMap((r) => {
    const params = r.peer?.params;
    if (!params) return [];
    return (['total', 'trainable'] as const).map((key) => {
      const m = params[key];
      const e = r.analytical.params[key];
      return {
        caseId: r.id,
        name: `peer-params.${key}`,
        ok: m === e,
        measured: m,
        expected: e,
        message: `torch peer ${key} parameters: ${m}, analytical count ${e}`,
      };
    });
  });
}

/** The peer of one bench run: started once, asked after each case's round, closed at the end. */
export class PeerSession {
  private readonly outcomes: PeerOutcome[][];

  private constructor(
    private readonly process: PeerProcess | null,
    private readonly requests: Array<PeerRequest | null>,
    /** Why the peer or some of its cases did not run, as the suite lists skipped cases. */
    readonly skipped: Array<{ id: string; reason: string }>,
  ) {
    this.outcomes = requests.map(() => []);
  }

  /**
   * Starts the peer `options.peer` names for `plans`; null without `--peer`. Without torch the
   * session runs nothing and `skipped` says why (one line, also logged).
   */
  static async start(
    options: Pick<BenchOptions, 'peer' | 'python'>,
    plans: CasePlan[],
    log: (line: string) => void = () => {},
  ): Promise<PeerSession | null> {
    if (options.peer === undefined) return null;
    const requests = plans.map(peerRequest);
    const started = await startTorchPeer(options.python);
    if ('skipped' in started) {
      log(`peer torch skipped: ${started.skipped}`);
      return new PeerSession(null, requests, [{ id: 'peer torch', reason: started.skipped }]);
    }
    const h = started.peer.hello;
    log(
      `peer torch ${h.torch} on ${h.executable} (python ${h.python}), BLAS ${h.blasKind ?? h.blas ?? '?'}, attention ${h.attention}`,
    );
    if (h.blasKind === 'netlib-reference') {
      log(
        "peer torch: its BLAS is netlib's unoptimized reference libblas; point LD_LIBRARY_PATH at an OpenBLAS (README) for a fair peer",
      );
    }
    const skipped = plans.flatMap((plan, i) =>
      requests[i] === null
        ? [{ id: `${plan.spec.case.id} (torch)`, reason: 'no PyTorch counterpart of this mode' }]
        : [],
    );
    return new PeerSession(started.peer, requests, skipped);
  }

  /** Runs case `i` once in the peer (one round), if it has a request. */
  async runCase(i: number, timeoutSec: number, log: (line: string) => void = () => {}) {
    const request = this.requests[i];
    if (!this.process || !request) return;
    const outcome = await this.process.run(request, timeoutSec);
    log(
      outcome.ok
        ? `  torch ${request.id}: ${outcome.result.stepSec.length} steps after ${outcome.result.warmupStepsRun} warm-up, ${request.threads} thread(s)`
        : `  torch ${request.id} failed: ${outcome.error}`,
    );
    this.outcomes[i]!.push(outcome);
  }

  /** Sets each case's `peer` (null where the peer did not run it); `cases` in plan order. */
  attach(cases: CaseResult[]): void {
    for (const [i, result] of cases.entries()) {
      const request = this.requests[i];
      result.peer =
        this.process && request ? peerCase(request, this.outcomes[i]!, result.derived) : null;
    }
  }

  /** The peer's interpreter and torch for the results' environment; null when it was skipped. */
  environment(): PeerEnvironment | null {
    if (!this.process) return null;
    const { type: _, ...hello } = this.process.hello;
    return { name: 'torch', ...hello };
  }

  close(): void {
    this.process?.close();
  }
}
