// Analytical counts of the methods beyond full/lora/relora, from each method package's own formula.
import { colaFlopsPerToken, colaParameterCounts } from '@relora/cola';
import { crnetFlopsPerToken, crnetParameterCounts } from '@relora/crnet';
import { galoreStateElements } from '@relora/galore';
import { sstStateElements } from '@relora/sst';
import { switchLoraStateElements } from '@relora/switchlora';
import {
  type AnalyticalParameterCounts,
  BYTES_PER_FLOAT,
  type ByteCounts,
  countBytes,
  countParameters,
  unwrappedParameters,
  wrappedLinearParameters,
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
  'all trainable, AdamW m, v; FLOPs = colaFlopsPerToken.training. ' +
  'crnet/crnet-m: params = crnetParameterCounts (block 1 full-rank 4d^2+3df, blocks 2..L ' +
  '(L-1)*(r*(11d+3f)+7) factors and betas, embeddings, norms, head), all trainable, AdamW m, v; ' +
  'FLOPs = crnetFlopsPerToken.training (checkpoints every 8 blocks). ' +
  'sst: params = sstStateElements.weights (per attention/MLP projection V [in,k], sigma [k], ' +
  'U^T [k,out], k = min(in,out): k*(in+out+1); embeddings, norms, head dense), all trainable, ' +
  'AdamW m, v of all (the plain form); state = the sampled-pair masks, 2k bool bytes per ' +
  'projection; FLOPs = 6*(N_head + sum (in+out)*k + k) + 12*L*T*d: a projection forward is ' +
  '(in+out)*k + k multiply-adds instead of in*out.';

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
  if (mode === 'sst') return sstCounts(shape, kernels, rank, seqLen);
  if (mode === 'crnet' || mode === 'crnet-m') return crnetCounts(shape, mode, rank, seqLen);
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

// CR-Net (@relora/crnet): every parameter trains with AdamW; no state beyond it.
function crnetCounts(
  shape: ModelShape,
  mode: 'crnet' | 'crnet-m',
  rank: number,
  seqLen: number,
): ModeCounts {
  const crnetShape = { ...shape, tieWordEmbeddings: shape.tieWordEmbeddings ?? false };
  const counts = crnetParameterCounts(crnetShape, rank);
  const params = { total: counts.total, trainable: counts.trainable, frozen: 0, lora: 0 };
  const crnet = { rank, recompute: mode === 'crnet-m', checkpointEvery: 8 };
  return {
    params,
    bytes: countBytes(params),
    flopsPerToken: crnetFlopsPerToken(crnetShape, crnet, seqLen).training,
  };
}

/** Bytes of one bool element (tfjs stores bool tensors one byte per element). */
const BYTES_PER_BOOL = 1;

// SST's plain form (@relora/sst README): U, sigma, V of every projection are parameters with
// AdamW state; each projection also keeps two bool masks of its k pairs (columns [1, k], rows [k, 1]).
function sstCounts(
  shape: ModelShape,
  kernels: number[][],
  rank: number,
  seqLen: number,
): ModeCounts {
  const elements = sstStateElements(
    { ...shape, tieWordEmbeddings: shape.tieWordEmbeddings ?? false },
    rank,
  );
  const params = { total: elements.weights, trainable: elements.weights, frozen: 0, lora: 0 };
  let factorMultiplyAdds = 0;
  let maskBytes = 0;
  for (const [inF, outF] of kernels) {
    const k = Math.min(inF!, outF!);
    factorMultiplyAdds += (inF! + outF!) * k + k;
    maskBytes += 2 * k * BYTES_PER_BOOL;
  }
  // x V, then the k products with sigma, then (x V sigma) U^T: 2 FLOPs forward and 4 backward each.
  const dense = flopsPerToken(shape, 'full', seqLen) - 6 * wrappedLinearParameters(shape);
  return {
    params,
    bytes: {
      ...countBytes(params),
      optimizer: elements.optimizer * BYTES_PER_FLOAT,
      state: maskBytes,
    },
    flopsPerToken: dense + 6 * factorMultiplyAdds,
  };
}
