// CR-Net checkpoint directories: round trip bit for bit, config.json fields, refusals.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrNetLlama } from './crnet-model';
import { loadCrNetCheckpoint, saveCrNetCheckpoint } from './node';
import { randomIds, SMALL_CONFIG } from './small-config.test-support';

describe('CR-Net checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    dir = await mkdtemp(join(tmpdir(), 'crnet-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and loads every parameter bit for bit, with the same logits', async () => {
    const model = createCrNetLlama(SMALL_CONFIG, { rank: 4, betaInit: 0.9 }, { seed: 8 });
    await saveCrNetCheckpoint(model, join(dir, 'a'), { configExtra: { bos_token_id: 0 } });
    const loaded = await loadCrNetCheckpoint(join(dir, 'a'), { recompute: true });
    expect(loaded.crnet).toMatchObject({ rank: 4, recompute: true });
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
      architectures: ['CrNetForCausalLM'],
      model_type: 'crnet',
      rank: 4,
      bos_token_id: 0,
    });
    tf.dispose([ids, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('stores block 1 as nn.Linear weights and later blocks as factors and a scalar β', async () => {
    const model = createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 10 });
    await saveCrNetCheckpoint(model, join(dir, 'b'));
    const bytes = await readFile(join(dir, 'b', 'model.safetensors'));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header['model.layers.0.mlp.down_proj.weight'].shape).toEqual([32, 48]);
    expect(header['model.layers.1.mlp.down_proj.crnet_a'].shape).toEqual([48, 4]);
    expect(header['model.layers.1.mlp.down_proj.crnet_b'].shape).toEqual([4, 32]);
    expect(header['model.layers.1.mlp.down_proj.crnet_beta'].shape).toEqual([]);
    expect(header['lm_head.weight'].shape).toEqual([30, 32]);
    model.dispose();
  });

  it('refuses a plain LLaMA directory and a mismatched rank, naming the problem', async () => {
    const model = createCrNetLlama(SMALL_CONFIG, { rank: 4 }, { seed: 11 });
    await saveCrNetCheckpoint(model, join(dir, 'c'));
    model.dispose();
    const configPath = join(dir, 'c', 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, model_type: 'llama' }));
    await expect(loadCrNetCheckpoint(join(dir, 'c'))).rejects.toThrow(
      'config.json: model_type = "llama" is not a CR-Net model (expected "crnet")',
    );
    await writeFile(configPath, JSON.stringify({ ...config, rank: 5 }));
    const before = tf.memory().numTensors;
    await expect(loadCrNetCheckpoint(join(dir, 'c'))).rejects.toThrow(
      /model.layers.1.self_attn.q_proj.crnet_a has shape \[32, 4\], the config needs \[32, 5\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
