// The downloadable checkpoint: Hugging Face names and layout, LoRA merged, same logits as the trained model.
import { initBackend } from '@relora/backend';
import { createLlama, decodeSafetensors, loadStateDict } from '@relora/llama';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointFiles } from './checkpoint';
import { DEMO_DEFAULTS } from './demo-config';
import { TrainingSession } from './training-session';

const TEXTS = Array.from(
  { length: 30 },
  (_, i) => `Document ${i}. The jury said the city of Atlanta ran the election well, ${i} times.`,
);

describe('checkpointFiles', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('writes a plain LLaMA that computes what the ReLoRA-trained model computes', async () => {
    const config = {
      ...DEMO_DEFAULTS,
      steps: 6,
      warmStart: 2,
      relora: 2,
      rank: 4,
      batch: 2,
      seqLen: 16,
    };
    const session = new TrainingSession(TEXTS, config);
    const restarts: number[] = [];
    await session.run({
      onStep: () => {},
      onRestart: (step) => restarts.push(step),
      onPhase: () => {},
    });
    expect(session.finished).toBe(true);
    // LoRA from update step 3; merges come every 2 LoRA steps after the first (the reference's
    // (update_step - start) % relora == 1), after update steps 5, 7, ...: one within 6 steps.
    expect(restarts).toEqual([5]);

    const files = await checkpointFiles(session.trainer, session.model);
    const file = decodeSafetensors(files.safetensors);
    expect([...file.tensors.keys()].some((name) => name.includes('lora_'))).toBe(false);
    const hidden = session.model.config.hiddenSize;
    const inner = session.model.config.intermediateSize;
    expect(file.tensors.get('model.layers.0.mlp.up_proj.weight')?.shape).toEqual([inner, hidden]);
    expect(JSON.parse(files.configJson).model_type).toBe('llama');

    const plain = createLlama(session.model.config, { seed: 1 });
    loadStateDict(plain, file);
    const ids = tf.tensor2d([[72, 101, 108, 108, 111, 32, 116, 104]], [1, 8], 'int32');
    const difference = tf.tidy(
      () => tf.max(tf.abs(tf.sub(plain.forward(ids), session.model.forward(ids)))).dataSync()[0]!,
    );
    expect(difference).toBeLessThan(1e-4);
    tf.dispose(ids);
    plain.dispose();
    session.dispose();
  });
});
