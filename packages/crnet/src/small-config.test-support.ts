// A tiny model config and token batches shared by the CR-Net tests.
import { type LlamaConfig, llamaPreset } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';

/** Vocabulary of {@link SMALL_CONFIG}. */
export const SMALL_VOCAB = 30;

/** A 4-layer model (so the chain has three low-rank links) small enough for CPU steps. */
export const SMALL_CONFIG: LlamaConfig = llamaPreset('tiny', {
  vocabSize: SMALL_VOCAB,
  hiddenSize: 32,
  intermediateSize: 48,
  numLayers: 4,
  maxSeqLen: 12,
});

/** Seeded token ids [batch, seqLen] in [0, SMALL_VOCAB). */
export function randomIds(batch: number, seqLen: number, seed: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(tf.randomUniform([batch, seqLen], 0, SMALL_VOCAB, 'float32', seed), 'int32'),
  ) as tf.Tensor2D;
}
