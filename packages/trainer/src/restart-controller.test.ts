// The restart controller passes the trainer's pruning mask to every optimizer reset.
import { initBackend } from '@relora/backend';
import type { LoRAHandle } from '@relora/lora';
import { AdamW, type PruningMask } from '@relora/optim';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAINER_DEFAULTS } from './options';
import { createRestartController } from './restart-controller';

/** A host with one "LoRA" variable whose Adam moments rank entries differently in m and v. */
async function pruneWith(mask: PruningMask) {
  const w = tf.variable(tf.zeros([4000]));
  const optimizer = new AdamW({ lr: 1e-3 });
  for (const seed of [1, 2]) {
    const g = tf.randomNormal([4000], 0, 1, 'float32', seed);
    optimizer.applyGradients(new Map([[w, g]]));
    g.dispose();
  }
  const lora = { layers: new Map(), loraParameters: () => [['x.lora_A.weight', w]] };
  const controller = createRestartController({
    options: {
      ...TRAINER_DEFAULTS,
      resetOptimizerOnRelora: false,
      optimizerMagnitudePruning: 0.99,
      optimizerPruningMask: mask,
    },
    schedulerStartStep: 0,
    lora: lora as unknown as LoRAHandle,
    optimizer,
  });
  await controller.restart({ merge: false });
  const [m, v] = await Promise.all([optimizer.slot(w)!.m.data(), optimizer.slot(w)!.v.data()]);
  let mWithoutV = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0 && v[i] === 0) mWithoutV++;
  w.dispose();
  optimizer.dispose();
  return mWithoutV;
}

describe('createRestartController', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('resets with the trainer option optimizerPruningMask', async () => {
    expect(await pruneWith('joint')).toBe(0);
    expect(await pruneWith('independent')).toBeGreaterThan(0);
  });
});
