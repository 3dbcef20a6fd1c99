// A one-layer LLaMA of width 16 on byte-level text in batches of 2 x 8 tokens: fast enough to train
// and checkpoint in a test.
import { createByteTokenizer, createLoaders, tokenizeTexts } from '@relora/data';
import { createLlama, llamaPreset } from '@relora/llama';
import type { Trainer } from '../trainer';

/** Loaders over `text` (a fifth held out for validation), the model's config, and a model from `seed`. */
export function tinyModel(text: string[], seed: number) {
  const tokenizer = createByteTokenizer();
  const loaders = createLoaders(tokenizeTexts(text, tokenizer), {
    batchSize: 2,
    seqLen: 8,
    validationFraction: 0.2,
  });
  const config = llamaPreset('tiny', {
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 16,
    intermediateSize: 32,
    numLayers: 1,
    numHeads: 2,
  });
  return { loaders, config, model: createLlama(config, { seed }) };
}

/** Runs `steps` update steps of `trainer`; the loss of each. */
export async function stepLosses(trainer: Trainer, steps: number): Promise<number[]> {
  const out: number[] = [];
  const off = trainer.on('step', (e) => out.push(e.loss));
  for (let i = 0; i < steps; i++) await trainer.step();
  off();
  return out;
}

/** The mean of `losses`. */
export function mean(losses: number[]): number {
  return losses.reduce((a, b) => a + b, 0) / losses.length;
}
