import { initBackend } from '@relora/backend';
import { AdamW } from '@relora/optim';
import { randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { switchLoraStateElements } from './memory';
import { applySwitchLoRA } from './switch-lora';
import { TinyHost } from './switch-reference.test-support';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

describe('switchLoraStateElements', () => {
  it('counts what the layers and their AdamW state hold in tensors', () => {
    const shapes: Array<[string, number, number]> = [
      ['up', 6, 10],
      ['down', 10, 6],
    ];
    const host = new TinyHost(shapes, 1);
    const sw = applySwitchLoRA(host, { targets: ['up', 'down'], rank: 3, totalSteps: 10 });
    const opt = new AdamW({ lr: 0.01 });
    const x = randomTensor([2, 6], 1);
    const { value, grads } = tf.variableGrads(() => tf.sum(host.forward(x)) as tf.Scalar);
    sw.applyGradients(opt, grads, { step: 0 });
    tf.dispose([value, grads, x]);
    let held = 0;
    for (const layer of sw.layers.values()) {
      for (const [, v] of [...layer.namedVariables(), ...layer.candidateVariables()])
        held += v.size;
    }
    for (const [, slot] of opt.slots()) held += slot.m.size + slot.v.size;
    const counts = switchLoraStateElements(
      shapes.map(([, i, o]) => [i, o]),
      3,
    );
    expect(counts).toEqual({
      frozen: 2 * 60,
      factors: 2 * 3 * 16,
      moments: 2 * 2 * 3 * 16,
      candidates: 2 * 6 * 16,
      stepCounters: 2 * 2 * 3,
      tensorElements: held,
      total: held + 12,
    });
    expect(() => switchLoraStateElements([[4, 8]], 5)).toThrow(
      /rank must be an integer in \[1, 4\]/,
    );
    opt.dispose();
    host.dispose();
  });
});
