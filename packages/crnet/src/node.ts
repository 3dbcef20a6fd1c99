// Node entry of @relora/crnet: CR-Net checkpoint directories (config.json + model.safetensors) on disk.
import type { HfLlamaConfig } from '@relora/llama';
import { loadSafetensors, saveSafetensors } from '@relora/llama/node';
import { crnetConfigFields, fromCrNetConfig } from './crnet-config';
import { type CrNetModel, createCrNetLlama } from './crnet-model';
import type { CrNetOptions } from './crnet-options';

/** Options of {@link saveCrNetCheckpoint}. */
export interface SaveCrNetOptions {
  /** Extra `__metadata__` strings for model.safetensors (`format: 'pt'` is always set). */
  metadata?: Record<string, string>;
  /** Extra config.json fields, e.g. `{ bos_token_id: 0, eos_token_id: 1 }`. */
  configExtra?: HfLlamaConfig;
}

/**
 * Writes `model` as a CR-Net directory: `config.json` (Llama fields plus `model_type: "crnet"`
 * and `rank`) and `model.safetensors` (F32): block 1's projections as `*.weight` [out, in]
 * (`nn.Linear`), later blocks' `*.crnet_a` [in, r], `*.crnet_b` [r, out] and `*.crnet_beta` [],
 * the rest in Hugging Face's names and layout. Each file is replaced atomically; `dir` is created
 * if needed.
 */
export async function saveCrNetCheckpoint(
  model: CrNetModel,
  dir: string,
  options: SaveCrNetOptions = {},
): Promise<void> {
  await saveSafetensors(model, dir, {
    metadata: options.metadata,
    configExtra: { ...options.configExtra, ...crnetConfigFields(model.crnet) },
  });
}

/**
 * Loads a directory written by {@link saveCrNetCheckpoint} into a fresh CR-Net model (through
 * `@relora/llama/node`'s `loadSafetensors` and its checks); `recompute` and `checkpointEvery` pick
 * the backward (the weights are the same). Throws naming the file and the problem; nothing on
 * disk is modified.
 */
export async function loadCrNetCheckpoint(
  dir: string,
  training: Partial<Pick<CrNetOptions, 'recompute' | 'checkpointEvery'>> = {},
): Promise<CrNetModel> {
  return loadSafetensors(dir, (json) => {
    const { config, crnet } = fromCrNetConfig(json);
    return createCrNetLlama(config, { ...crnet, ...training }, { initialize: false });
  });
}
