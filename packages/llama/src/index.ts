// Public API of @relora/llama.

export type { LlamaConfig, LlamaConfigInput } from './config';
export { LLAMA_CONFIG_DEFAULTS, resolveLlamaConfig } from './config';
export { crossEntropy } from './cross-entropy';
export type { GenerateOptions } from './generate';
export { GENERATE_DEFAULTS } from './generate';
export type { HfLlamaConfig } from './hf-config';
export { fromHfConfig, hfConfigJson, toHfConfig } from './hf-config';
export { createLlama } from './llama-model';
export type {
  CreateLlamaOptions,
  LinearSlot,
  LlamaModel,
  LossOptions,
} from './llama-model-types';
export type { MlpGateActivation } from './mlp';
export type { HasNamedParameters, ModelParameterCounts, ParameterGroup } from './parameter-count';
export { countParameters, parameterGroup } from './parameter-count';
export type { ParameterEntry } from './parameter-layout';
export { llamaParameterLayout } from './parameter-layout';
export type { LlamaPresetName, LlamaPresetOptions, LlamaShape } from './presets';
export { LLAMA_PRESETS, llamaPreset } from './presets';
export { rmsNorm } from './rms-norm';
export type { RotaryTables } from './rotary';
export { applyRotary, rotaryTables } from './rotary';
export type { SafetensorsFile, SafetensorsTensor } from './safetensors';
export { decodeSafetensors, encodeSafetensors, MAX_HEADER_BYTES } from './safetensors';
export type { SafetensorsDtype } from './safetensors-dtypes';
export {
  float16ToNumber,
  floatBytesToFloat32,
  SAFETENSORS_DTYPE_BYTES,
} from './safetensors-dtypes';
export { normalInit } from './seeded-init';
export { loadStateDict, modelStateDict, modelToSafetensors } from './state-dict';
export type { LlamaFlopsShape } from './training-flops';
export {
  LLAMA_TRAINING_FLOPS_FORMULA,
  llamaProjectionParameters,
  llamaTrainingFlopsPerToken,
} from './training-flops';
