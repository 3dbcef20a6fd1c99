// Public API of @relora/crnet.

export type {
  CrNetFlops,
  CrNetParameterCounts,
  CrNetShape,
  CrNetStateElements,
} from './analytical';
export {
  CRNET_FLOPS_FORMULA,
  crnetFlopsPerToken,
  crnetParameterCounts,
  crnetStateElements,
} from './analytical';
export { CrNetChain } from './crnet-chain';
export type { CrNetCheckpointOptions } from './crnet-config';
export { crnetConfigFields, crnetConfigJson, fromCrNetConfig } from './crnet-config';
export type { CrNetLowRankOptions, CrNetSlot } from './crnet-linear';
export { CrNetDenseLinear, CrNetLowRankLinear } from './crnet-linear';
export type { CreateCrNetOptions, CrNetModel } from './crnet-model';
export { createCrNetLlama } from './crnet-model';
export type { CrNetFactorInit, CrNetOptions } from './crnet-options';
export { CRNET_TARGETS, crnetDefaults, resolveCrNetOptions } from './crnet-options';
export type { CrNetChainPosition } from './crnet-projection';
export {
  CRNET_BETA_FLOOR,
  crnetProjection,
  crnetProjectionRecomputed,
  crnetScale,
} from './crnet-projection';
