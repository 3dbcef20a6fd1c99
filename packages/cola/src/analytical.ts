// Analytical element and FLOP counts of a CoLA model, for the bench and equal-compute comparisons.
import type { LlamaConfig } from '@relora/llama';
import type { ColaOptions } from './cola-options';

/** The model fields the counts read. */
export type ColaShape = Pick<
  LlamaConfig,
  'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'tieWordEmbeddings'
>;

/** Element counts (not bytes) of a CoLA model's parameters; every one trains. */
export interface ColaParameterCounts {
  /** A and B of the seven projections of every block: L r (11d + 3f). */
  factors: number;
  /** Embedding, LM head (unless tied) and RMSNorm weights: V d (+ V d) + (2L + 1) d. */
  outer: number;
  total: number;
  trainable: number;
}

/** Elements a training step holds besides activations, and what the projections keep per token. */
export interface ColaStateElements {
  weights: number;
  /** One per trainable parameter. */
  gradients: number;
  /** AdamW's m and v. */
  optimizer: number;
  /**
   * Floats the CoLA projections keep for the backward per token, beyond their inputs: x A,
   * its sigmoid and σ(x A), 3r for each of the 7L projections; 0 with `recompute` (CoLA-M).
   */
  projectionActivationsPerToken: number;
}

/** FLOPs per token, multiply-adds counted as 2. */
export interface ColaFlops {
  forward: number;
  /** Forward, backward (input and weight gradients) and, with `recompute`, the extra forward. */
  training: number;
}

/** The formula {@link colaFlopsPerToken} implements, for results files. */
export const COLA_FLOPS_FORMULA =
  'forward: 2*(N_factors + N_head) + 4*L*T*d; training: 6*(N_factors + N_head) + 12*L*T*d, ' +
  'plus 2*N_factors with recompute (CoLA-M), where N_factors = L*r*(11d + 3f) (each projection ' +
  'in -> out costs 2r(in + out) forward instead of 2*in*out), N_head = d*V; embedding lookups, ' +
  'norms, SiLU and softmax excluded; attention at the full T x T product, as the bench counts.';

function layerFactors(shape: ColaShape, rank: number): number {
  const { hiddenSize: d, intermediateSize: f } = shape;
  // q, k, v, o: r(d + d) each; gate, up: r(d + f); down: r(f + d).
  return rank * (8 * d + 3 * (d + f));
}

/** Parameter counts of a CoLA model of `shape` at `rank` (the 1B preset at r = 512: 609.3M). */
export function colaParameterCounts(shape: ColaShape, rank: number): ColaParameterCounts {
  const d = shape.hiddenSize;
  const factors = shape.numLayers * layerFactors(shape, rank);
  const outer =
    shape.vocabSize * d * (shape.tieWordEmbeddings ? 1 : 2) + (2 * shape.numLayers + 1) * d;
  return { factors, outer, total: factors + outer, trainable: factors + outer };
}

/** Weights, gradients and AdamW state of a CoLA model, plus what its projections keep per token. */
export function colaStateElements(
  shape: ColaShape,
  cola: Pick<ColaOptions, 'rank' | 'recompute'>,
): ColaStateElements {
  const { total, trainable } = colaParameterCounts(shape, cola.rank);
  return {
    weights: total,
    gradients: trainable,
    optimizer: 2 * trainable,
    projectionActivationsPerToken: cola.recompute ? 0 : 7 * shape.numLayers * 3 * cola.rank,
  };
}

/** FLOPs per token at sequence length `seqLen` (see {@link COLA_FLOPS_FORMULA}). */
export function colaFlopsPerToken(
  shape: ColaShape,
  cola: Pick<ColaOptions, 'rank' | 'recompute'>,
  seqLen: number,
): ColaFlops {
  const { factors } = colaParameterCounts(shape, cola.rank);
  const head = shape.hiddenSize * shape.vocabSize;
  const attention = 4 * shape.numLayers * seqLen * shape.hiddenSize;
  const forward = 2 * (factors + head) + attention;
  const training = 3 * forward + (cola.recompute ? 2 * factors : 0);
  return { forward, training };
}
