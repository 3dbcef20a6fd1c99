// Compares with PyTorch: checkpoints from fixtures/make-checkpoints.ts, logits and loss recorded
// in float64 by scripts/cola_reference.py (an independent forward written from the official code).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@relora/backend';
import { modelToSafetensors } from '@relora/llama';
import { compareWithReference, readReferenceOutputs } from '@relora/testing/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadColaCheckpoint } from './node';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe.each(['cpu', 'wasm'] as const)('PyTorch reference on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each([
    ['cola-gated', false],
    ['cola-lr-act', true],
  ] as const)('%s: loads, matches the float64 logits and loss, re-saves byte for byte', async (name, onlyLrAct) => {
    const reference = await readReferenceOutputs(`${fixtures}${name}.json`);
    const model = await loadColaCheckpoint(`${fixtures}${name}`);
    expect(model.cola).toEqual({ rank: 8, onlyLrAct, recompute: false });
    const { maxLogitDiff, loss } = await compareWithReference(model, reference);
    // float32 against float64, logits of size about 1-3.
    expect(maxLogitDiff).toBeLessThan(2e-5);
    expect(loss).toBeCloseTo(reference.loss, 5);
    expect(await modelToSafetensors(model)).toEqual(
      new Uint8Array(await readFile(`${fixtures}${name}/model.safetensors`)),
    );
    model.dispose();
  });
});
