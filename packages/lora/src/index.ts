// Public API of @relora/lora.

export type { ApplyLoRAOptions, LoRAHandle, LoRAParameterCounts } from './apply-lora';
export { applyLoRA, DEFAULT_LORA_TARGETS } from './apply-lora';
export type { DenseLinearOptions } from './dense-linear';
export { denseLinear } from './dense-linear';
export { kaimingUniform } from './init';
export type { LoRABase, LoRARngState } from './lora-linear';
export { LoRALinear, loraLinear } from './lora-linear';
export type { LoRALinearOptions, ResolvedLoRAOptions } from './options';
export { LORA_DEFAULTS } from './options';
