// Public API of @relora/cola.

export type {
  ColaFlops,
  ColaParameterCounts,
  ColaShape,
  ColaStateElements,
} from './analytical';
export {
  COLA_FLOPS_FORMULA,
  colaFlopsPerToken,
  colaParameterCounts,
  colaStateElements,
} from './analytical';
export type { ColaCheckpointOptions } from './cola-config';
export { colaConfigFields, colaConfigJson, fromColaConfig } from './cola-config';
export type { ColaLinearOptions } from './cola-linear';
export { ColaLinear, colaInitStd, colaLinear } from './cola-linear';
export type { ColaModel, CreateColaOptions } from './cola-model';
export { createColaLlama } from './cola-model';
export type { ColaOptions } from './cola-options';
export { COLA_TARGETS, colaDefaults, resolveColaOptions } from './cola-options';
export { colaProjection, colaProjectionRecomputed } from './cola-projection';
