// SST's options and their defaults; methods.md 4.3 lists what the summaries report.
import type { SSTSampling } from './sampling';

/** What {@link applySST} and the `sst` training method are configured with. */
export interface SSTOptions {
  /** r: singular-vector pairs trained per iteration in each layer. Default 64 (paper, LLaMA-130M). */
  rank?: number;
  /** Update steps between resamples (the paper's "iteration interval"). Default 200 [ours]. */
  iterationInterval?: number;
  /** Iterations per round; a re-SVD ends each round (the paper's "number of iterations"). Default 4 [ours]. */
  numIterations?: number;
  /** How pairs are drawn; default `sigma`. */
  sampling?: SSTSampling;
  /** Enhanced gradients for the sampled vectors (see `SSTLinear`). Default true. */
  enhancedGradient?: boolean;
  /** Which linears become SST layers, matched against the HF module name. Default {@link SST_TARGETS}. */
  targets?: ReadonlyArray<string | RegExp>;
  /** Seeds the SVD init (with each module name) and the sampling. Default 0. */
  seed?: number;
}

/** Every projection of a LLaMA block (the summaries' "all linear layers"); embeddings and head stay dense. */
export const SST_TARGETS: ReadonlyArray<RegExp> = [/\.(q|k|v|o|gate|up|down)_proj$/];

export const SST_DEFAULTS = {
  rank: 64,
  iterationInterval: 200,
  numIterations: 4,
  sampling: 'sigma',
  enhancedGradient: true,
  seed: 0,
} as const satisfies Omit<Required<SSTOptions>, 'targets'>;

export type ResolvedSSTOptions = Omit<Required<SSTOptions>, 'targets'>;

/** `options` with defaults filled in; throws a one-line error on a bad value. */
export function resolveSSTOptions(options: SSTOptions = {}): ResolvedSSTOptions {
  const o = { ...SST_DEFAULTS, ...options };
  for (const field of ['rank', 'iterationInterval', 'numIterations'] as const) {
    const value = o[field];
    if (!(Number.isSafeInteger(value) && value >= 1))
      throw new Error(`SST: ${field} must be an integer >= 1, got ${String(value)}`);
  }
  if (o.sampling !== 'sigma' && o.sampling !== 'mixed')
    throw new Error(`SST: sampling must be 'sigma' or 'mixed', got ${String(o.sampling)}`);
  const { targets: _, ...resolved } = o as typeof o & { targets?: unknown };
  return resolved as ResolvedSSTOptions;
}
