// Public API of @relora/optim.

export type { AdamWOptions, AdamWSlot, AdamWState, ApplyGradientsOptions } from './adamw';
export { ADAMW_DEFAULTS, AdamW } from './adamw';
export type {
  ClipByGlobalNormOptions,
  ClippedGradients,
  ClipResult,
} from './clip-by-global-norm';
export { clipByGlobalNorm, clipByGlobalNormTensor } from './clip-by-global-norm';
export type { GradientMap } from './gradients';
export {
  countZeros,
  JOINT_PRUNING_EPSILON,
  jointMagnitudePrune,
  jointRandomPrune,
  magnitudePrune,
  randomPrune,
} from './pruning';
export { quantileOfAbs } from './quantile';
export type {
  MomentStore,
  PruningMask,
  ResetMode,
  ResetOptions,
  ResetResult,
} from './reset-optimizer-state';
export { resetOptimizerState } from './reset-optimizer-state';
export type { SerializedAdamWMeta, SerializedAdamWState } from './serialize';
export { deserializeAdamWState, serializeAdamWState } from './serialize';
export type { MomentSlices, SliceAxis, SliceSteps } from './slice-state';
export { correctSliceSteps, zeroMomentSlices } from './slice-state';
