// Public API of @relora/galore.

export { FIRA_EPSILON, limitNormGrowth, scaledResidual } from './fira';
export type { GaLoreApplyOptions, GaLoreSlot } from './galore-adamw';
export { GaLoreAdamW } from './galore-adamw';
export type { GaLoreStateElements } from './memory';
export { galoreStateElements } from './memory';
export type { GaLoreOptions, ResolvedGaLoreOptions } from './options';
export { GALORE_DEFAULTS, resolveGaLoreOptions } from './options';
export type { ProjectionSide, ProjectorSvdOptions } from './projector';
export {
  computeProjector,
  effectiveRank,
  project,
  projectBack,
  projectedShape,
  projectionSide,
} from './projector';
export type { SerializedGaLoreMeta, SerializedGaLoreState } from './serialize';
export { deserializeGaLoreState, serializeGaLoreState } from './serialize';
export { GALORE_TARGET_MODULES, galoreTargets, isGaLoreTarget } from './targets';
