// Tests of checkpoint directories: HF names and layout, byte-identical round trips, HF-written files, errors.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlama } from './llama-model';
import { loadSafetensors, saveSafetensors } from './node';
import { llamaPreset } from './presets';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors';
import { floatBytesToFloat32 } from './safetensors-dtypes';
import { modelStateDict } from './state-dict';

const config = llamaPreset('tiny', {
  vocabSize: 40,
  hiddenSize: 32,
  intermediateSize: 48,
  maxSeqLen: 16,
});
let root: string;

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'llama-ckpt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function logitsOf(model: ReturnType<typeof createLlama>): Float32Array {
  return tf.tidy(
    () =>
      model.forward(tf.tensor2d([[1, 5, 9, 2, 39]], undefined, 'int32')).dataSync() as Float32Array,
  );
}

describe('safetensors checkpoints', () => {
  it('saves HF names, [out, in] layout and an HF config', async () => {
    const model = createLlama(config, { seed: 1 });
    const dir = join(root, 'layout');
    await saveSafetensors(model, dir, { configExtra: { bos_token_id: 0 } });
    const file = decodeSafetensors(await readFile(join(dir, 'model.safetensors')));
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensors.get('model.layers.0.mlp.gate_proj.weight')?.shape).toEqual([48, 32]);
    expect(file.tensors.get('model.embed_tokens.weight')?.shape).toEqual([40, 32]);
    expect(file.tensors.get('lm_head.weight')?.shape).toEqual([40, 32]);
    expect(file.tensors.size).toBe(model.namedParameters().length);
    const kernel = model
      .getLinear('model.layers.1.self_attn.q_proj')
      .namedVariables()[0]?.[1] as tf.Variable;
    const q = file.tensors.get('model.layers.1.self_attn.q_proj.weight') as SafetensorsTensor;
    const expected = tf.tidy(() => tf.transpose(kernel).dataSync());
    expect(floatBytesToFloat32(q.dtype, q.data)).toEqual(expected);
    const hf = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(hf).toMatchObject({
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
      hidden_size: 32,
      intermediate_size: 48,
      num_attention_heads: 4,
      num_hidden_layers: 2,
      num_key_value_heads: 4,
      max_position_embeddings: 16,
      vocab_size: 40,
      tie_word_embeddings: false,
      hidden_act: 'silu',
      torch_dtype: 'float32',
      bos_token_id: 0,
    });
    expect(await readdir(dir)).toEqual(['config.json', 'model.safetensors']);
    model.dispose();
  });

  it('round-trips save -> load -> save byte-identically, with equal logits', async () => {
    for (const tieWordEmbeddings of [false, true]) {
      const model = createLlama({ ...config, tieWordEmbeddings }, { seed: 2 });
      const a = join(root, `a-${tieWordEmbeddings}`);
      const b = join(root, `b-${tieWordEmbeddings}`);
      await saveSafetensors(model, a);
      const loaded = await loadSafetensors(a);
      expect(loaded.config).toEqual(model.config);
      expect(logitsOf(loaded)).toEqual(logitsOf(model));
      await saveSafetensors(loaded, b);
      for (const name of ['model.safetensors', 'config.json']) {
        expect(await readFile(join(b, name))).toEqual(await readFile(join(a, name)));
      }
      model.dispose();
      loaded.dispose();
    }
  });

  it('loads an HF-written checkpoint: BF16, tied head absent, rotary buffers, reference config', async () => {
    const model = createLlama({ ...config, tieWordEmbeddings: true }, { seed: 3 });
    const tensors = new Map<string, SafetensorsTensor>();
    for (const [name, t] of await modelStateDict(model)) {
      const f = floatBytesToFloat32(t.dtype, t.data);
      const bf16 = new Uint16Array(f.length);
      const bits = new Uint32Array(f.buffer, f.byteOffset, f.length);
      for (let i = 0; i < f.length; i++) bf16[i] = (bits[i] as number) >>> 16; // truncation is a valid BF16 value
      tensors.set(name, { dtype: 'BF16', shape: t.shape, data: new Uint8Array(bf16.buffer) });
    }
    tensors.set('model.layers.0.self_attn.rotary_emb.inv_freq', {
      dtype: 'F32',
      shape: [4],
      data: new Uint8Array(16),
    });
    const dir = join(root, 'hf');
    await saveSafetensors(model, dir);
    await writeFile(join(dir, 'model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        architectures: ['LLaMAForCausalLM'],
        hidden_act: 'silu',
        hidden_size: 32,
        intermediate_size: 48,
        max_sequence_length: 16,
        model_type: 'llama',
        num_attention_heads: 4,
        num_hidden_layers: 2,
        rms_norm_eps: 1e-6,
        tie_word_embeddings: true,
        vocab_size: 40,
      }),
    );
    const loaded = await loadSafetensors(dir);
    const original = logitsOf(model);
    const fromBf16 = logitsOf(loaded);
    const maxDiff = Math.max(...original.map((x, i) => Math.abs(x - (fromBf16[i] as number))));
    expect(maxDiff).toBeLessThan(0.05);
    model.dispose();
    loaded.dispose();
  });

  it('names mismatches between checkpoint and config', async () => {
    const dir = join(root, 'mismatch');
    const model = createLlama(config, { seed: 4 });
    await saveSafetensors(model, dir);
    const hf = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...hf, intermediate_size: 64 }));
    await expect(loadSafetensors(dir)).rejects.toThrow(
      /mlp.gate_proj.weight has shape \[48, 32\], the config needs \[64, 32\]/,
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...hf, num_hidden_layers: 3 }));
    await expect(loadSafetensors(dir)).rejects.toThrow(
      /missing model.layers.2.self_attn.q_proj.weight/,
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...hf, num_key_value_heads: 2 }));
    await expect(loadSafetensors(dir)).rejects.toThrow(/num_key_value_heads = 2 is not supported/);
    model.dispose();
  });

  it('rejects a corrupted file by name and leaves an existing checkpoint intact when a save fails', async () => {
    const dir = join(root, 'corrupt');
    const model = createLlama(config, { seed: 5 });
    await saveSafetensors(model, dir);
    const good = await readFile(join(dir, 'model.safetensors'));
    await writeFile(join(dir, 'model.safetensors'), good.subarray(0, good.length - 3));
    await expect(loadSafetensors(dir)).rejects.toThrow(
      /model\.safetensors: safetensors: invalid file/,
    );
    await writeFile(join(dir, 'model.safetensors'), good);
    const broken = createLlama(config, { seed: 6 });
    broken.dispose();
    await expect(saveSafetensors(broken, dir)).rejects.toThrow();
    expect(await readFile(join(dir, 'model.safetensors'))).toEqual(good);
    expect(await readdir(dir)).toEqual(['config.json', 'model.safetensors']);
    model.dispose();
  });
});
