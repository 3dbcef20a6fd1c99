// Compares with PyTorch: the checkpoint from fixtures/make-checkpoints.ts, logits and loss recorded
// in float64 by scripts/crnet_reference.py (an independent forward of the recurrence in torch).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@relora/backend';
import { modelToSafetensors } from '@relora/llama';
import { compareWithReference, readReferenceOutputs } from '@relora/testing/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCrNetCheckpoint } from './node';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe.each(['cpu', 'wasm'] as const)('PyTorch reference on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each([
    false,
    true,
  ])('crnet-tiny (recompute %s): loads, matches the float64 logits and loss, re-saves byte for byte', async (recompute) => {
    const reference = await readReferenceOutputs(`${fixtures}crnet-tiny.json`);
    const model = await loadCrNetCheckpoint(`${fixtures}crnet-tiny`, { recompute });
    expect(model.crnet).toMatchObject({ rank: 8, recompute });
    const { maxLogitDiff, loss } = await compareWithReference(model, reference);
    // float32 against float64, logits of size about 1-10.
    expect(maxLogitDiff).toBeLessThan(5e-5);
    expect(loss).toBeCloseTo(reference.loss, 5);
    expect(await modelToSafetensors(model)).toEqual(
      new Uint8Array(await readFile(`${fixtures}crnet-tiny/model.safetensors`)),
    );
    model.dispose();
  });
});
