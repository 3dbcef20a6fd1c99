// Tests with @relora/lora: a wrapped model equals the plain one at init and across a merge; checkpoints of wrapped models.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import { applyLoRA } from '@relora/lora';
import { maxAbsDiff } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLlama } from './llama-model';
import type { LlamaModel } from './llama-model-types';
import { loadSafetensors, saveSafetensors } from './node';
import { decodeSafetensors } from './safetensors';
import { SMALL_CONFIG } from './small-config.test-support';
import { modelToSafetensors } from './state-dict';

const config = SMALL_CONFIG;

function sgdSteps(model: LlamaModel, ids: tf.Tensor2D, steps: number): void {
  const optimizer = tf.train.sgd(0.5);
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(
      () => model.loss(ids, ids, { training: true }),
      model.trainableVariables(),
    );
    optimizer.applyGradients(grads);
    tf.dispose([value, grads]);
  }
  optimizer.dispose();
}

describe.each(['cpu', 'wasm'] as const)('llama wrapped by @relora/lora on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('equals the plain model at init and after training and a merge', () => {
    const model = createLlama(config, { seed: 1 });
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]], undefined, 'int32');
    const plain = model.forward(ids);
    const handle = applyLoRA(model, { rank: 4, alpha: 8, dropout: 0, seed: 2 });
    expect(handle.layers.size).toBe(2 * 7);
    const wrapped = model.forward(ids);
    expect(maxAbsDiff(wrapped, plain)).toBeLessThan(1e-6);
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('model.layers.0.self_attn.q_proj.lora_A.weight');
    const trainable = new Set(model.trainableVariables());
    const frozen = model.namedParameters().filter(([n]) => n.endsWith('_proj.weight'));
    expect(frozen.every(([, v]) => !trainable.has(v))).toBe(true);

    sgdSteps(model, ids, 3);
    const trained = model.forward(ids);
    expect(maxAbsDiff(trained, plain)).toBeGreaterThan(1e-3);
    expect(handle.mergeAndReinit()).toBe(14);
    const merged = model.forward(ids);
    expect(maxAbsDiff(merged, trained)).toBeLessThan(1e-4);
    tf.dispose([ids, plain, wrapped, trained, merged]);
    model.dispose();
  });
});

describe('checkpoints of a wrapped model', () => {
  let root: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    root = await mkdtemp(join(tmpdir(), 'llama-lora-'));
  });

  it('store LoRA factors in PEFT layout and refuse to load them into a plain model', async () => {
    const model = createLlama(config, { seed: 3 });
    applyLoRA(model, { rank: 4, dropout: 0, seed: 4 });
    const file = decodeSafetensors(await modelToSafetensors(model));
    expect(file.tensors.get('model.layers.0.mlp.up_proj.lora_A.weight')?.shape).toEqual([4, 32]);
    expect(file.tensors.get('model.layers.0.mlp.up_proj.lora_B.weight')?.shape).toEqual([48, 4]);
    expect(file.tensors.get('model.layers.0.mlp.up_proj.weight')?.shape).toEqual([48, 32]);
    const dir = join(root, 'wrapped');
    await saveSafetensors(model, dir);
    await expect(loadSafetensors(dir)).rejects.toThrow(
      /unexpected .*lora_A.weight.*apply LoRA to the model first/,
    );
    model.dispose();
    await rm(root, { recursive: true, force: true });
  });
});
