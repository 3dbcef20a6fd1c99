// Public API of @relora/switchlora.

export type { SwitchLoRAInitBounds } from './init';
export { switchLoraInitBounds } from './init';
export type { SwitchLoRAStateElements } from './memory';
export { switchLoraStateElements } from './memory';
export type {
  ResolvedSwitchScheduleOptions,
  SwitchDescendType,
  SwitchLoRALayerOptions,
  SwitchScheduleOptions,
} from './options';
export { SWITCHLORA_DEFAULTS } from './options';
export { switchInterval, switchRate, switchReplaceCount } from './schedule';
export type { ApplySwitchLoRAOptions, SwitchLoRAState, SwitchReport } from './switch-lora';
export { applySwitchLoRA, SwitchLoRA } from './switch-lora';
export type {
  ResolvedSwitchLoRALayerOptions,
  SwitchedVectors,
  SwitchLoRALayerMeta,
  SwitchLoRALayerState,
  SwitchOptimizerOptions,
} from './switch-lora-linear';
export { SwitchLoRALinear } from './switch-lora-linear';
