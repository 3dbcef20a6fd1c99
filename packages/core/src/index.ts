// Public API of @relora/core: the contracts every other package shares.

export type { Communicator } from './communicator';
export type { AdamWUpdateAttrs } from './kernels/adamw-update';
export { ADAMW_UPDATE_KERNEL, adamwConstants, adamwUpdateValues } from './kernels/adamw-update';
export type { CrossEntropyDims } from './kernels/cross-entropy';
export {
  CROSS_ENTROPY_GRAD_KERNEL,
  CROSS_ENTROPY_KERNEL,
  crossEntropyGradValues,
  crossEntropyValues,
} from './kernels/cross-entropy';
export type { DropoutMaskAttrs, DropoutSeed } from './kernels/dropout-mask';
export { DROPOUT_MASK_KERNEL, dropoutMaskAttrs, dropoutMaskBits } from './kernels/dropout-mask';
export type { RmsNormAttrs, RmsNormDims } from './kernels/rms-norm';
export {
  RMS_NORM_GRAD_KERNEL,
  RMS_NORM_KERNEL,
  rmsNormGradValues,
  rmsNormValues,
} from './kernels/rms-norm';
export type { RotaryDims } from './kernels/rotary';
export { ROTARY_KERNEL, rotaryValues } from './kernels/rotary';
export type { ApplyOptions, DenseLinear, Linear, LinearHost } from './linear';
export { fmix32, fnv1a32, hashString, mulberry32, permuteIndex, uniformAt } from './random';
