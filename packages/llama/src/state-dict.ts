// A model's parameters as Hugging Face tensors (names, [out, in] linear layout) and back.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaModel } from './llama-model-types';
import { llamaParameterLayout } from './parameter-layout';
import type { SafetensorsFile, SafetensorsTensor } from './safetensors';
import { encodeSafetensors } from './safetensors';
import { float32ToBytes, floatBytesToFloat32 } from './safetensors-dtypes';

/** Metadata every file gets: transformers refuses a safetensors file without `format`. */
const BASE_METADATA = { format: 'pt' } as const;

/** Buffers of older HF checkpoints that hold no parameters (recomputed from the config). */
const IGNORED_ON_LOAD = /(^|\.)rotary_emb\.inv_freq$/;

/**
 * Parameters with their on-disk shapes. 2D `*weight` variables of projection slots are torch
 * `nn.Linear` weights, stored transposed ([in, out] in memory, torch's [out, in] on disk), which
 * also gives PEFT's layout for LoRA factors (`lora_A.weight`). Other 2D slot variables are plain
 * torch parameters used as `x @ P` (CoLA's `cola_a` [in, r]) and are stored as held.
 */
function diskLayout(
  model: LlamaModel,
): Array<{ name: string; variable: tf.Variable; transpose: boolean; shape: number[] }> {
  const modules = new Set<string>();
  for (const entry of llamaParameterLayout(model.config))
    if (entry.kind === 'linear') modules.add(entry.module);
  return model.namedParameters().map(([name, variable]) => {
    const transpose =
      variable.rank === 2 &&
      name.endsWith('weight') &&
      [...modules].some((m) => name.startsWith(`${m}.`));
    const shape = transpose ? [...variable.shape].reverse() : [...variable.shape];
    return { name, variable, transpose, shape };
  });
}

/** The model's parameters as F32 tensors by Hugging Face name, in HF layout. */
export async function modelStateDict(
  model: LlamaModel,
): Promise<Array<[string, SafetensorsTensor]>> {
  const result: Array<[string, SafetensorsTensor]> = [];
  for (const { name, variable, transpose, shape } of diskLayout(model)) {
    const onDisk = transpose ? tf.transpose(variable) : variable;
    const values = (await onDisk.data()) as Float32Array;
    if (onDisk !== variable) onDisk.dispose();
    result.push([name, { dtype: 'F32', shape, data: float32ToBytes(values) }]);
  }
  return result;
}

/** The bytes of `model.safetensors` for `model`; `metadata` joins `{ format: 'pt' }`. */
export async function modelToSafetensors(
  model: LlamaModel,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  return encodeSafetensors(await modelStateDict(model), { ...BASE_METADATA, ...metadata });
}

function listSome(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/**
 * Copies a decoded checkpoint into `model`. Every parameter must be present with its HF shape
 * (a tied model needs no `lm_head.weight`); F32, F16, BF16 and F64 convert to float32. Checks
 * everything before assigning anything, so a failed load leaves the model as it was; the error
 * names the missing, unexpected and mis-shaped tensors.
 */
export function loadStateDict(model: LlamaModel, file: SafetensorsFile): void {
  const layout = diskLayout(model);
  const expected = new Set(layout.map((p) => p.name));
  const problems: string[] = [];
  const missing = layout.filter((p) => !file.tensors.has(p.name)).map((p) => p.name);
  if (missing.length > 0) problems.push(`missing ${listSome(missing)}`);
  const unexpected = [...file.tensors.keys()].filter(
    (name) =>
      !expected.has(name) &&
      !IGNORED_ON_LOAD.test(name) &&
      !(name === 'lm_head.weight' && model.config.tieWordEmbeddings),
  );
  if (unexpected.length > 0) {
    const hint = unexpected.some((n) => n.includes('lora_'))
      ? ' (LoRA factors: apply LoRA to the model first)'
      : '';
    problems.push(`unexpected ${listSome(unexpected)}${hint}`);
  }
  for (const { name, shape } of layout) {
    const t = file.tensors.get(name);
    if (t && !tf.util.arraysEqual(t.shape, shape)) {
      problems.push(
        `${name} has shape [${t.shape.join(', ')}], the config needs [${shape.join(', ')}]`,
      );
    }
    if (t && !['F32', 'F16', 'BF16', 'F64'].includes(t.dtype))
      problems.push(`${name} has dtype ${t.dtype}, expected a float type`);
  }
  if (problems.length > 0)
    throw new Error(`loadStateDict: checkpoint does not match the model: ${problems.join('; ')}`);
  for (const { name, variable, transpose, shape } of layout) {
    const t = file.tensors.get(name) as SafetensorsTensor;
    tf.tidy(() => {
      const values = tf.tensor(floatBytesToFloat32(t.dtype, t.data), shape, 'float32');
      variable.assign(transpose ? tf.transpose(values) : values);
    });
  }
}
