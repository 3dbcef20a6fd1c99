// Analytical counts of the methods beyond full/lora/relora, from each method package's own formula.
import { colaFlopsPerToken, colaParameterCounts } from '@relora/cola';
import { galoreStateElements } from '@relora/galore';
import { switchLoraStateElements } from '@relora/switchlora';
import {
  type AnalyticalParameterCounts,
  BYTES_PER_FLOAT,
  type ByteCounts,
  countBytes,
  countParameters,
  unwrappedParameters,
} from './analytical';
import { flopsPerToken } from './flops';
import { layerLinears, type ModelShape } from './model-shape';
import type { BenchMode } from './options';

/** Counts of one case: parameters, resident bytes (with a method's own state) and FLOPs per token. */
export interface ModeCounts {
  params: AnalyticalParameterCounts;
  bytes: ByteCounts;
  flopsPerToken: number;
}

/** Per-method formulas `modeCounts` implements, written into every result. */
export const METHOD_FORMULAS =
  'galore/fira: params as full; optimizer = AdamW m, v of embeddings, norms and head + ' +
  'galoreStateElements (per attention/MLP kernel [in, out], r = min(rank, in, out): projector ' +
  'r*min(in,out), moments 2*r*max(in,out), Fira one limiter scalar); FLOPs = full + ' +
  '4*r*in*out per kernel and step (project G, project back N; Fira 6*r*in*out: also back(R)) / ' +
  'tokens per step, the SVD refresh (every updateProjGap steps) excluded. ' +
  'switchlora: params as lora (W frozen, A and B trainable); optimizer = AdamW m, v of the ' +
  'trainable; state = candidate pools min(in,out)*(in+out) per kernel ' +
  '(switchLoraStateElements.candidates); FLOPs as lora. ' +
  'cola/cola-m: params = colaParameterCounts (L*r*(11d+3f) factors + embeddings, norms, head), ' +
  'all trainable, AdamW m, v; FLOPs = colaFlopsPerToken.training.';

function kernelShapes(shape: ModelShape): number[][] {
  const perLayer = layerLinears(shape).map(([, inF, outF]) => [inF, outF]);
  return Array.from({ length: shape.numLayers }, () => perLayer).flat();
}

/**
 * Analytical counts of `mode` at `rank` (null for `full`), sequence length `seqLen` and
 * `tokensPerStep` tokens per update step (GaLore's projections cost per step, not per token).
 */
export function modeCounts(
  shape: ModelShape,
  mode: BenchMode,
  rank: number | null,
  seqLen: number,
  tokensPerStep: number,
): ModeCounts {
  if (mode === 'full' || mode === 'lora' || mode === 'relora') {
    const lora = rank === null ? undefined : { rank };
    const params = countParameters(shape, mode, lora);
    return {
      params,
      bytes: countBytes(params),
      flopsPerToken: flopsPerToken(shape, mode, seqLen, lora),
    };
  }
  if (rank === null) throw new Error(`modeCounts: mode '${mode}' needs a rank`);
  const kernels = kernelShapes(shape);
  if (mode === 'galore' || mode === 'fira') {
    const params = countParameters(shape, 'full');
    const projected = galoreStateElements(kernels, rank, { fira: mode === 'fira' });
    const adamOnly = 2 * unwrappedParameters(shape);
    const projectionMatmuls = kernels.reduce(
      (sum, [inF, outF]) =>
        sum + (mode === 'fira' ? 6 : 4) * Math.min(rank, inF!, outF!) * inF! * outF!,
      0,
    );
    return {
      params,
      bytes: {
        ...countBytes(params),
        optimizer: (adamOnly + projected.total) * BYTES_PER_FLOAT,
      },
      flopsPerToken: flopsPerToken(shape, 'full', seqLen) + projectionMatmuls / tokensPerStep,
    };
  }
  if (mode === 'switchlora') {
    const params = countParameters(shape, 'lora', { rank });
    const { candidates } = switchLoraStateElements(kernels, rank);
    return {
      params,
      bytes: { ...countBytes(params), state: candidates * BYTES_PER_FLOAT },
      flopsPerToken: flopsPerToken(shape, 'lora', seqLen, { rank }),
    };
  }
  const recompute = mode === 'cola-m';
  const colaShape = { ...shape, tieWordEmbeddings: shape.tieWordEmbeddings ?? false };
  const cola = colaParameterCounts(colaShape, rank);
  const params = { total: cola.total, trainable: cola.trainable, frozen: 0, lora: 0 };
  return {
    params,
    bytes: countBytes(params),
    flopsPerToken: colaFlopsPerToken(colaShape, { rank, recompute }, seqLen).training,
  };
}
