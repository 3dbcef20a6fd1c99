// End-to-end checks of the training loop on a tiny LLaMA and byte-level text.
import { initBackend } from '@relora/backend';
import { createByteTokenizer, createLoaders, tokenizeTexts } from '@relora/data';
import { createLlama, llamaPreset } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StepEvent } from './events';
import type { TrainerOptions } from './options';
import { Trainer } from './trainer';

const TEXT = Array.from({ length: 40 }, (_, i) =>
  `Document ${i}: the quick brown fox jumps over the lazy dog, and the cat sat on the mat ${i % 7} times.`,
);

function setup(options: Partial<TrainerOptions>) {
  const tokenizer = createByteTokenizer();
  const loaders = createLoaders(tokenizeTexts(TEXT, tokenizer), {
    batchSize: options.batchSize ?? 2,
    seqLen: options.maxLength ?? 16,
    seed: 0,
    validationFraction: 0.2,
  });
  const config = llamaPreset('tiny', { vocabSize: tokenizer.vocabSize, hiddenSize: 32, intermediateSize: 64, numLayers: 1 });
  const model = createLlama(config, { seed: 0 });
  const trainer = new Trainer({ model, train: loaders.train, validation: loaders.validation, options });
  return { trainer, model };
}

const SMALL: Partial<TrainerOptions> = {
  numTrainingSteps: 12,
  batchSize: 2,
  totalBatchSize: 4,
  maxLength: 16,
  warmupSteps: 2,
  restartWarmupSteps: 1,
  relora: 4,
  warmStartSteps: 4,
  loraR: 4,
  evalEvery: 4,
  evalTokens: 64,
  loraDropout: 0,
};

describe('Trainer', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('warm-starts full-rank, switches to ReLoRA and restarts on the reference cadence', async () => {
    const { trainer, model } = setup(SMALL);
    const steps: StepEvent[] = [];
    const restarts: number[] = [];
    let phaseAt = -1;
    trainer.on('step', (e) => steps.push(e));
    trainer.on('restart', (e) => restarts.push(e.updateStep));
    trainer.on('phase', (e) => {
      phaseAt = e.updateStep;
    });
    const result = await trainer.run();
    expect(result.reason).toBe('finished');
    expect(steps.map((s) => s.updateStep)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(phaseAt).toBe(4);
    // LoRA phase starts at 4: merges after 0-based steps 8 and 12 - 1 ... i.e. update_step 9 (and 13 is past the end)
    expect(restarts).toEqual([9]);
    expect(steps.every((s) => Number.isFinite(s.loss))).toBe(true);
    model.dispose();
  });

  it('leaks no tensors per update step', async () => {
    const { trainer, model } = setup({ ...SMALL, evalEvery: 0 });
    await trainer.step();
    await trainer.step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 6; i++) await trainer.step();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
