// CoLA checkpoint directories: round trip bit for bit, config.json fields, refusals.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createColaLlama } from './cola-model';
import { loadColaCheckpoint, saveColaCheckpoint } from './node';
import { randomIds, SMALL_CONFIG } from './small-config.test-support';

describe('CoLA checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    dir = await mkdtemp(join(tmpdir(), 'cola-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and loads every parameter bit for bit, with the same logits', async () => {
    const model = createColaLlama(SMALL_CONFIG, { rank: 4, onlyLrAct: true }, { seed: 8 });
    await saveColaCheckpoint(model, join(dir, 'a'), { configExtra: { bos_token_id: 0 } });
    const loaded = await loadColaCheckpoint(join(dir, 'a'), { recompute: true });
    expect(loaded.cola).toEqual({ rank: 4, onlyLrAct: true, recompute: true });
    const names = (m: typeof model) => m.namedParameters().map(([n]) => n);
    expect(names(loaded)).toEqual(names(model));
    const loadedParams = loaded.namedParameters();
    for (const [i, [name, v]] of model.namedParameters().entries()) {
      expect(await loadedParams[i]![1].data(), name).toEqual(await v.data());
    }
    const ids = randomIds(1, 12, 9);
    const [a, b] = [model.forward(ids), loaded.forward(ids)];
    expect(await b.data()).toEqual(await a.data());
    const config = JSON.parse(await readFile(join(dir, 'a', 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      architectures: ['ColaForCausalLM'],
      model_type: 'cola',
      rank: 4,
      only_lr_act: true,
      lr_act_type: 'silu',
      bos_token_id: 0,
    });
    tf.dispose([ids, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('stores the factors as the official ColaLayer holds them, the LM head as torch does', async () => {
    const model = createColaLlama(SMALL_CONFIG, { rank: 4 }, { seed: 10 });
    await saveColaCheckpoint(model, join(dir, 'b'));
    const bytes = await readFile(join(dir, 'b', 'model.safetensors'));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header['model.layers.0.mlp.down_proj.cola_a'].shape).toEqual([48, 4]);
    expect(header['model.layers.0.mlp.down_proj.cola_b'].shape).toEqual([4, 32]);
    expect(header['lm_head.weight'].shape).toEqual([30, 32]);
    model.dispose();
  });

  it('refuses a plain LLaMA directory and a mismatched rank, naming the problem', async () => {
    const model = createColaLlama(SMALL_CONFIG, { rank: 4 }, { seed: 11 });
    await saveColaCheckpoint(model, join(dir, 'c'));
    model.dispose();
    const configPath = join(dir, 'c', 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, model_type: 'llama' }));
    await expect(loadColaCheckpoint(join(dir, 'c'))).rejects.toThrow(
      'config.json: model_type = "llama" is not a CoLA model (expected "cola")',
    );
    await writeFile(configPath, JSON.stringify({ ...config, rank: 5 }));
    const before = tf.memory().numTensors;
    await expect(loadColaCheckpoint(join(dir, 'c'))).rejects.toThrow(
      /model.layers.0.self_attn.q_proj.cola_a has shape \[32, 4\], the config needs \[32, 5\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
