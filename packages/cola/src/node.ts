// Node entry of @relora/cola: CoLA checkpoint directories (config.json + model.safetensors) on disk.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors, type HfLlamaConfig, loadStateDict } from '@relora/llama';
import { saveSafetensors } from '@relora/llama/node';
import { colaConfigFields, fromColaConfig } from './cola-config';
import { type ColaModel, createColaLlama } from './cola-model';

/** Options of {@link saveColaCheckpoint}. */
export interface SaveColaOptions {
  /** Extra `__metadata__` strings for model.safetensors (`format: 'pt'` is always set). */
  metadata?: Record<string, string>;
  /** Extra config.json fields, e.g. `{ bos_token_id: 0, eos_token_id: 1 }`. */
  configExtra?: HfLlamaConfig;
}

/**
 * Writes `model` as a CoLA directory: `config.json` (the official ColaConfig's fields) and
 * `model.safetensors` (F32; `*.cola_a` [in, r] and `*.cola_b` [r, out] as the official
 * `ColaLayer` holds them, the rest in Hugging Face's names and layout). Each file is replaced
 * atomically; `dir` is created if needed.
 */
export async function saveColaCheckpoint(
  model: ColaModel,
  dir: string,
  options: SaveColaOptions = {},
): Promise<void> {
  await saveSafetensors(model, dir, {
    metadata: options.metadata,
    configExtra: { ...options.configExtra, ...colaConfigFields(model.cola) },
  });
}

/**
 * Loads a directory written by {@link saveColaCheckpoint} into a fresh CoLA model; `recompute`
 * picks CoLA-M's backward (the weights are the same). Throws naming the file and the problem;
 * nothing on disk is modified.
 */
export async function loadColaCheckpoint(
  dir: string,
  { recompute = false }: { recompute?: boolean } = {},
): Promise<ColaModel> {
  const configPath = join(dir, 'config.json');
  let json: HfLlamaConfig;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8')) as HfLlamaConfig;
  } catch (error) {
    throw new Error(
      `loadColaCheckpoint: ${configPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { config, cola } = fromColaConfig(json);
  const weightsPath = join(dir, 'model.safetensors');
  const model = createColaLlama(config, { ...cola, recompute }, { initialize: false });
  try {
    let file: ReturnType<typeof decodeSafetensors>;
    try {
      file = decodeSafetensors(await readFile(weightsPath));
    } catch (error) {
      throw new Error(
        `loadColaCheckpoint: ${weightsPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    loadStateDict(model, file);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
