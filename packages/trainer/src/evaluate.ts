// Validation loss and perplexity over a fixed set of tokens.
import * as tf from '@tensorflow/tfjs-core';
import { readScalars } from './read-scalars';
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
 * rounded up to whole batches. Every batch's loss is queued before any is read, and all are read
 * back in one asynchronous read. Disposes the batches; leaks no tensors.
 */
export async function evaluateLoss(
  model: LossModel,
  source: EvalSource,
  tokens: number,
): Promise<EvalResult> {
  const losses: tf.Scalar[] = [];
  const sizes: number[] = [];
  let values: number[];
  try {
    for (const batch of source.fixedBatches(tokens)) {
      sizes.push(batch.targets.size);
      losses.push(tf.tidy(() => model.loss(batch.inputIds, batch.targets, { training: false })));
      tf.dispose([batch.inputIds, batch.targets]);
    }
    values = await readScalars(losses);
  } finally {
    tf.dispose(losses);
  }
  let sum = 0;
  let count = 0;
  values.forEach((loss, i) => {
    sum += loss * sizes[i]!;
    count += sizes[i]!;
  });
  const mean = count > 0 ? sum / count : Number.NaN;
  return { loss: mean, perplexity: Math.exp(mean), tokens: count };
}
