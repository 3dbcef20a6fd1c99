// Validation loss and perplexity over a fixed set of tokens.
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LossModel } from './train-step';

/** Where evaluation batches come from: the same fixed batches every call (see `BatchLoader.fixedBatches`). */
export interface EvalSource {
  fixedBatches(tokens: number): Iterable<Batch>;
}

/** Result of {@link evaluateLoss}. */
export interface EvalResult {
  /** Mean loss per token (nats). */
  loss: number;
  /** exp(loss). */
  perplexity: number;
  /** Tokens evaluated. */
  tokens: number;
}

/**
 * Token-weighted mean loss of `model` (dropout off) over the first `tokens` validation tokens,
 * rounded up to whole batches. Disposes the batches; leaks no tensors.
 */
export function evaluateLoss(model: LossModel, source: EvalSource, tokens: number): EvalResult {
  let sum = 0;
  let count = 0;
  for (const batch of source.fixedBatches(tokens)) {
    const n = batch.targets.size;
    const loss = tf.tidy(() => model.loss(batch.inputIds, batch.targets, { training: false }));
    sum += (loss.dataSync()[0] as number) * n;
    count += n;
    tf.dispose([loss, batch.inputIds, batch.targets]);
  }
  const mean = count > 0 ? sum / count : Number.NaN;
  return { loss: mean, perplexity: Math.exp(mean), tokens: count };
}
