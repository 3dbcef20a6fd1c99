// Node entry of @relora/llama: saving and loading checkpoint directories with fs.
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fromHfConfig, type HfLlamaConfig, hfConfigJson } from './hf-config';
import { createLlama } from './llama-model';
import type { LlamaModel } from './llama-model-types';
import { decodeSafetensors, type SafetensorsTensor } from './safetensors';
import { loadStateDict, modelToSafetensors } from './state-dict';

/** Options of {@link saveSafetensors}. */
export interface SaveSafetensorsOptions {
  /** Extra `__metadata__` strings for model.safetensors (`format: 'pt'` is always set). */
  metadata?: Record<string, string>;
  /** Extra config.json fields, e.g. `{ bos_token_id: 0, eos_token_id: 1 }`. */
  configExtra?: HfLlamaConfig;
}

/** Writes `bytes` to `path` through a temporary file and a rename, so `path` is never half-written. */
async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Saves `model` as a Hugging Face checkpoint directory: `model.safetensors` (F32, HF names and
 * layout) and `config.json`, loadable by `LlamaForCausalLM.from_pretrained(dir)`. Creates `dir`
 * if needed; each file is replaced atomically, so an existing checkpoint is never left damaged.
 */
export async function saveSafetensors(
  model: LlamaModel,
  dir: string,
  options: SaveSafetensorsOptions = {},
): Promise<void> {
  const bytes = await modelToSafetensors(model, options.metadata);
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'model.safetensors'), bytes);
  await writeAtomic(join(dir, 'config.json'), hfConfigJson(model.config, options.configExtra));
}

async function readJson(path: string): Promise<HfLlamaConfig> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as HfLlamaConfig;
  } catch (error) {
    throw new Error(
      `loadSafetensors: ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Loads a checkpoint directory written by {@link saveSafetensors} or by Hugging Face
 * (`config.json` plus `model.safetensors`, or shards listed in `model.safetensors.index.json`).
 * `build` makes the model the weights go into from the parsed config.json (default: a LLaMA of
 * `fromHfConfig(json)`, uninitialised), so a model variant (e.g. `@relora/crnet`'s) loads its own
 * directories through the same checks. Throws naming the file and the problem; nothing on disk is
 * modified.
 */
export async function loadSafetensors<M extends LlamaModel = LlamaModel>(
  dir: string,
  build: (json: HfLlamaConfig) => M = (json) =>
    createLlama(fromHfConfig(json), { initialize: false }) as M,
): Promise<M> {
  const model = build(await readJson(join(dir, 'config.json')));
  try {
    const files = await weightFiles(dir);
    const tensors = new Map<string, SafetensorsTensor>();
    const metadata: Record<string, string> = {};
    for (const file of files) {
      let decoded: ReturnType<typeof decodeSafetensors>;
      try {
        decoded = decodeSafetensors(await readFile(file));
      } catch (error) {
        throw new Error(
          `loadSafetensors: ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      for (const [name, t] of decoded.tensors) tensors.set(name, t);
      Object.assign(metadata, decoded.metadata);
    }
    loadStateDict(model, { metadata, tensors });
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function weightFiles(dir: string): Promise<string[]> {
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  if (await exists(single)) return [single];
  if (!(await exists(index))) {
    throw new Error(
      `loadSafetensors: ${dir} holds neither model.safetensors nor model.safetensors.index.json`,
    );
  }
  const weightMap = (await readJson(index)).weight_map;
  if (typeof weightMap !== 'object' || weightMap === null) {
    throw new Error(`loadSafetensors: ${index} has no weight_map object`);
  }
  const shards = new Set(Object.values(weightMap as Record<string, unknown>).map(String));
  for (const shard of shards) {
    if (shard.includes('/') || shard.includes('\\') || shard.startsWith('..')) {
      throw new Error(`loadSafetensors: ${index} names a shard outside the directory: ${shard}`);
    }
  }
  return [...shards].sort().map((shard) => join(dir, shard));
}
