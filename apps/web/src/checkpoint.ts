// The trained model as a Hugging Face checkpoint (model.safetensors + config.json), built in memory for download.

import type { LlamaModel } from '@relora/llama';
import {
  encodeSafetensors,
  hfConfigJson,
  llamaParameterLayout,
  type SafetensorsTensor,
} from '@relora/llama';
import { mergedWeights, type Trainer } from '@relora/trainer';
import * as tf from '@tensorflow/tfjs-core';

/** A checkpoint's two files, ready to save. */
export interface CheckpointFiles {
  safetensors: Uint8Array;
  configJson: string;
}

/**
 * The model with pending LoRA updates merged (W + s·A·B), as F32 tensors with Hugging Face names
 * and layout: projection weights are [in, out] in memory and [out, in] on disk. Any Llama loader
 * reads the result; training state stays untouched.
 */
export async function checkpointFiles(
  trainer: Trainer,
  model: LlamaModel,
): Promise<CheckpointFiles> {
  const linear = new Set(
    llamaParameterLayout(model.config)
      .filter((entry) => entry.kind === 'linear')
      .map((entry) => entry.name),
  );
  const weights = mergedWeights(trainer);
  try {
    const tensors: Array<[string, SafetensorsTensor]> = [];
    for (const [name, tensor] of weights) {
      const onDisk = linear.has(name) ? tf.transpose(tensor) : tensor;
      const values = (await onDisk.data()) as Float32Array;
      const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      tensors.push([name, { dtype: 'F32', shape: [...onDisk.shape], data }]);
      if (onDisk !== tensor) onDisk.dispose();
    }
    const metadata = { format: 'pt', update_step: String(trainer.updateStep) };
    return {
      safetensors: encodeSafetensors(tensors, metadata),
      configJson: hfConfigJson(model.config),
    };
  } finally {
    tf.dispose(weights.map(([, tensor]) => tensor));
  }
}

/** Offers `bytes` to the user as a file download named `name`. */
export function download(name: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
