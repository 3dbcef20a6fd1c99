// FLOPs per trained token of each training method, from the packages' own formulas: one row per method.
import { colaFlopsPerToken } from '@relora/cola';
import { crnetDefaults, crnetFlopsPerToken } from '@relora/crnet';
import { llamaTrainingFlopsPerToken } from '@relora/llama';
import type { RunConfig } from './run-config';

/** How one method's FLOPs per token are counted, and the count for a run's model and length. */
export interface MethodFlops {
  /** What is counted, for results files. */
  counts: string;
  /** Model FLOPs per token of one training step of the method (after any warm start). */
  perToken(run: RunConfig): number;
}

const dense = (run: RunConfig) => llamaTrainingFlopsPerToken(run.model, run.seqLen);
const lora = (run: RunConfig) =>
  llamaTrainingFlopsPerToken(run.model, run.seqLen, { rank: run.loraR });
const cola = (recompute: boolean) => (run: RunConfig) =>
  colaFlopsPerToken(run.model, { rank: run.rank, recompute }, run.seqLen).training;

// relora-pretrain builds CR-Net with @relora/crnet's defaults besides rank and recompute.
const crnet = (recompute: boolean) => (run: RunConfig) =>
  crnetFlopsPerToken(
    run.model,
    { ...crnetDefaults(run.model), rank: run.rank, recompute },
    run.seqLen,
  ).training;

const DENSE_EQUIVALENT =
  'dense (llamaTrainingFlopsPerToken): the network trains as a dense model; the per-step ' +
  'optimizer work is not counted';

/**
 * Model FLOPs per token (forward and backward; a multiply-add is 2) by `--method` name (the mode
 * when no method was given). Optimizer work per update step (Adam, ReLoRA merges, GaLore/Fira
 * projections and SVD refreshes, SwitchLoRA switches, SST re-SVDs) is not counted: at the papers'
 * 131k+ tokens per step it is a small share. A new method adds one row.
 */
export const METHOD_FLOPS: Record<string, MethodFlops> = {
  full: { counts: 'dense: 6N + 12 L T d (llamaTrainingFlopsPerToken)', perToken: dense },
  lora: { counts: 'LoRA: projections frozen, rank-r adapters trained', perToken: lora },
  relora: {
    counts: 'LoRA phase as lora, the warm start as full; merges not counted',
    perToken: lora,
  },
  switchlora: { counts: 'as lora (switches not counted)', perToken: lora },
  galore: { counts: DENSE_EQUIVALENT, perToken: dense },
  fira: { counts: DENSE_EQUIVALENT, perToken: dense },
  // The SST projection x V diag(σ) Uᵀ keeps the whole spectrum (k = min(in, out)); counted as the
  // dense W it stands for, as the papers compare it, although the factored product computes more.
  sst: { counts: `${DENSE_EQUIVALENT}; the factored product is not counted`, perToken: dense },
  cola: { counts: 'colaFlopsPerToken(...).training', perToken: cola(false) },
  'cola-m': {
    counts: 'colaFlopsPerToken(..., recompute).training: with the recomputed forward',
    perToken: cola(true),
  },
  crnet: { counts: 'crnetFlopsPerToken(...).training', perToken: crnet(false) },
  'crnet-m': {
    counts: 'crnetFlopsPerToken(..., recompute).training: with the rebuilds of Y_{l-1}',
    perToken: crnet(true),
  },
};

/** FLOPs of one run's schedule: full rank's during a warm start, the method's after it. */
export interface RunFlops {
  /** Full-rank training of the same model and sequence length, FLOPs per token. */
  fullRankPerToken: number;
  /** The method's step, FLOPs per token. */
  perToken: number;
  /** Steps at `fullRankPerToken` before the method's. */
  warmStartSteps: number;
  tokensPerStep: number;
}

/** The {@link RunFlops} of a run; throws naming the method when it has no row in {@link METHOD_FLOPS}. */
export function runFlops(run: RunConfig): RunFlops {
  const row = METHOD_FLOPS[run.method];
  if (!row) {
    throw new Error(
      `no FLOPs formula for method '${run.method}'; expected one of ${Object.keys(METHOD_FLOPS).join(', ')}`,
    );
  }
  return {
    fullRankPerToken: dense(run),
    perToken: row.perToken(run),
    warmStartSteps: run.warmStartSteps,
    tokensPerStep: run.tokensPerStep,
  };
}

/** Training FLOPs of the first `steps` update steps. */
export function trainingFlops(f: RunFlops, steps: number): number {
  const warm = Math.min(steps, f.warmStartSteps);
  return f.tokensPerStep * (warm * f.fullRankPerToken + (steps - warm) * f.perToken);
}

/** FLOPs per token over the first `steps` update steps (the warm start's included). */
export function meanFlopsPerToken(f: RunFlops, steps: number): number {
  return trainingFlops(f, steps) / (steps * f.tokensPerStep);
}
