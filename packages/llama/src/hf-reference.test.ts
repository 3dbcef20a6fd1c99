// Compares with Hugging Face transformers: checkpoints and outputs recorded by fixtures/hf-reference.py.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@relora/backend';
import {
  compareWithReference,
  type ReferenceOutputs,
  readReferenceOutputs,
} from '@relora/testing/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors } from './node';
import { modelToSafetensors } from './state-dict';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe.each(['cpu', 'wasm'] as const)('Hugging Face reference on %s', (backend) => {
  let reference: ReferenceOutputs;
  beforeAll(async () => {
    await initBackend({ prefer: backend });
    reference = await readReferenceOutputs(`${fixtures}hf-reference.json`);
  });

  it('loads a save_pretrained float32 checkpoint, matches its logits and loss, re-saves it byte for byte', async () => {
    const model = await loadSafetensors(`${fixtures}hf-f32`);
    const { maxLogitDiff, loss } = await compareWithReference(model, reference);
    expect(maxLogitDiff).toBeLessThan(1e-4);
    expect(loss).toBeCloseTo(reference.loss, 5);
    // Our writer reproduces transformers' save_pretrained output exactly.
    expect(await modelToSafetensors(model)).toEqual(
      new Uint8Array(await readFile(`${fixtures}hf-f32/model.safetensors`)),
    );
    model.dispose();
  });

  it('loads a bfloat16 checkpoint within bfloat16 rounding of the reference', async () => {
    const model = await loadSafetensors(`${fixtures}hf-bf16`);
    const logits = tf.tidy(() =>
      model.forward(tf.tensor2d(reference.inputIds, undefined, 'int32')).dataSync(),
    );
    const maxDiff = reference.logits.reduce(
      (m, x, i) => Math.max(m, Math.abs(x - (logits[i] as number))),
      0,
    );
    expect(maxDiff).toBeLessThan(0.05);
    model.dispose();
  });
});
