// Analytical element and FLOP counts of a CR-Net model, for the bench and equal-compute comparisons.
import type { LlamaConfig } from '@relora/llama';
import type { CrNetOptions } from './crnet-options';

/** The model fields the counts read. */
export type CrNetShape = Pick<
  LlamaConfig,
  'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'tieWordEmbeddings'
>;

/** Element counts (not bytes) of a CR-Net model's parameters; every one trains. */
export interface CrNetParameterCounts {
  /** Block 1's seven full-rank projections: 4d² + 3df. */
  firstBlock: number;
  /** A, B and β of the seven projections of blocks 2..L: (L − 1)(r(11d + 3f) + 7). */
  lowRank: number;
  /** Embedding, LM head (unless tied) and RMSNorm weights: V d (+ V d) + (2L + 1) d. */
  outer: number;
  total: number;
  trainable: number;
}

/** Elements a training step holds besides activations, and what the chain keeps per token. */
export interface CrNetStateElements {
  weights: number;
  /** One per trainable parameter. */
  gradients: number;
  /** AdamW's m and v. */
  optimizer: number;
  /**
   * Floats per token the low-rank projections keep for the backward beyond what the same LLaMA
   * with dense projections keeps (tfjs keeps every saved tensor until the gradient call ends):
   * per projection of blocks 2..L, X A (r) and, without `recompute`, both addends of
   * c·Y_{l-1} + X A B (tfjs' Add keeps its inputs: 2·out). Y_{l-1} costs nothing extra: the
   * LLaMA block keeps every projection's output alive until the gradient call ends anyway
   * (measured, `crnet-model.test.ts`), so recomputation frees the addends, not Y.
   */
  projectionActivationsPerToken: number;
  /**
   * Scalars per step the same projections keep: sign(β), |β|, the constant 1e-6, |β| + 1e-6 and
   * c, 5 for each of the 7(L − 1) low-rank projections.
   */
  projectionScalars: number;
}

/** FLOPs per token, multiply-adds counted as 2. */
export interface CrNetFlops {
  forward: number;
  /** Forward, backward (input and weight gradients) and, with `recompute`, the rebuilds. */
  training: number;
}

/** The formula {@link crnetFlopsPerToken} implements, for results files. */
export const CRNET_FLOPS_FORMULA =
  'forward: 2*(N_first + N_factors + N_head) + 4*L*T*d; training: 3 * forward, plus ' +
  '2*r*out per rebuilt Y with recompute (the X A B of each rebuild), where N_first = 4d^2 + 3df ' +
  '(block 1 full-rank), N_factors = (L - 1)*r*(11d + 3f) (each later projection in -> out costs ' +
  '2r(in + out) forward), N_head = d*V; the c*Y_{l-1} sums, embedding lookups, norms, SiLU and ' +
  'softmax excluded; attention at the full T x T product, as the bench counts.';

/** [in, out] of the seven projections of one block. */
function projections(shape: CrNetShape): Array<[string, number, number]> {
  const { hiddenSize: d, intermediateSize: f } = shape;
  return [
    ['q', d, d],
    ['k', d, d],
    ['v', d, d],
    ['o', d, d],
    ['gate', d, f],
    ['up', d, f],
    ['down', f, d],
  ];
}

/** Parameter counts of a CR-Net model of `shape` at `rank`. */
export function crnetParameterCounts(shape: CrNetShape, rank: number): CrNetParameterCounts {
  const d = shape.hiddenSize;
  let firstBlock = 0;
  let perLowRankBlock = 0;
  for (const [, inF, outF] of projections(shape)) {
    firstBlock += inF * outF;
    perLowRankBlock += rank * (inF + outF) + 1;
  }
  const lowRank = Math.max(0, shape.numLayers - 1) * perLowRankBlock;
  const outer =
    shape.vocabSize * d * (shape.tieWordEmbeddings ? 1 : 2) + (2 * shape.numLayers + 1) * d;
  const total = firstBlock + lowRank + outer;
  return { firstBlock, lowRank, outer, total, trainable: total };
}

/** Weights, gradients and AdamW state of a CR-Net model, plus what its chain keeps per token. */
export function crnetStateElements(
  shape: CrNetShape,
  crnet: Pick<CrNetOptions, 'rank' | 'recompute'>,
): CrNetStateElements {
  const { total, trainable } = crnetParameterCounts(shape, crnet.rank);
  const links = Math.max(0, shape.numLayers - 1);
  let perToken = 0;
  for (const [, , outF] of projections(shape)) {
    perToken += links * (crnet.rank + (crnet.recompute ? 0 : 2 * outF));
  }
  return {
    weights: total,
    gradients: trainable,
    optimizer: 2 * trainable,
    projectionActivationsPerToken: perToken,
    projectionScalars: 5 * 7 * links,
  };
}

/** FLOPs per token at sequence length `seqLen` (see {@link CRNET_FLOPS_FORMULA}). */
export function crnetFlopsPerToken(
  shape: CrNetShape,
  crnet: Pick<CrNetOptions, 'rank' | 'recompute' | 'checkpointEvery'>,
  seqLen: number,
): CrNetFlops {
  const { firstBlock, lowRank } = crnetParameterCounts(shape, crnet.rank);
  const links = Math.max(0, shape.numLayers - 1);
  const factors = lowRank - 7 * links;
  const head = shape.hiddenSize * shape.vocabSize;
  const attention = 4 * shape.numLayers * seqLen * shape.hiddenSize;
  const forward = 2 * (firstBlock + factors + head) + attention;
  let rebuilds = 0;
  if (crnet.recompute) {
    // Y_j is rebuilt for every block j in 0..L-2 that is not a checkpoint.
    let rebuilt = 0;
    for (let j = 0; j <= shape.numLayers - 2; j++)
      if ((shape.numLayers - 1 - j) % crnet.checkpointEvery !== 0) rebuilt++;
    for (const [, , outF] of projections(shape)) rebuilds += rebuilt * 2 * crnet.rank * outF;
  }
  return { forward, training: 3 * forward + rebuilds };
}
