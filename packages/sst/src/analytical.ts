// Analytical element counts of SST training, for the bench (methods.md 4.4, 7.1).
import type { LlamaConfig } from '@relora/llama';

/** The model fields the counts read. */
export type SSTShape = Pick<
  LlamaConfig,
  'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'tieWordEmbeddings'
>;

/** Elements (not bytes) a training step holds besides activations. */
export interface SSTStateElements {
  /** Per projection k (in + out + 1) with k = min(in, out), plus the dense outer part. */
  weights: number;
  /** Autodiff's: one per weight (this implementation masks, it does not skip, unsampled vectors). */
  gradients: number;
  /** AdamW's m and v of every weight (the plain form; methods.md's active/frozen split would keep 2(r(in + out) + k)). */
  optimizer: number;
  /** Of the gradients, the entries that are not masked to 0 in a step: r (in + out) + k per projection, plus the outer part. */
  activeGradients: number;
  /** Floats each SST projection keeps for the backward per token besides its input: x V, k each. */
  projectionActivationsPerToken: number;
}

/** The seven projections of a block as [in, out]. */
function projections(c: SSTShape): Array<[number, number]> {
  const d = c.hiddenSize;
  const f = c.intermediateSize;
  return [
    [d, d],
    [d, d],
    [d, d],
    [d, d],
    [d, f],
    [d, f],
    [f, d],
  ];
}

/**
 * Elements of SST training with rank r as implemented here (the plain form: U, σ, V of every block
 * projection are model parameters with full AdamW state; unsampled vectors get zero gradients and
 * zero moments). Outer part: embedding, head (unless tied), RMSNorm weights, trained densely.
 */
export function sstStateElements(config: SSTShape, rank: number): SSTStateElements {
  const { vocabSize: V, hiddenSize: d, numLayers: L } = config;
  const outer = V * d * (config.tieWordEmbeddings ? 1 : 2) + (2 * L + 1) * d;
  let factors = 0;
  let active = 0;
  let activations = 0;
  for (const [i, o] of projections(config)) {
    const k = Math.min(i, o);
    factors += k * (i + o + 1);
    active += Math.min(rank, k) * (i + o) + k;
    activations += k;
  }
  const weights = L * factors + outer;
  return {
    weights,
    gradients: weights,
    optimizer: 2 * weights,
    activeGradients: L * active + outer,
    projectionActivationsPerToken: L * activations,
  };
}
