// The construction seam: options.linear builds slot layers, options.mlpGateActivation the MLP gate.

import { initBackend } from '@relora/backend';
import type { Linear } from '@relora/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelLinear } from './kernel-linear';
import { createLlama } from './llama-model';
import { SMALL_CONFIG } from './small-config.test-support';

describe('createLlama construction options', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('a factory that declines every slot gives the default model bit for bit', async () => {
    const seen: string[] = [];
    const plain = createLlama(SMALL_CONFIG, { seed: 3 });
    const declined = createLlama(SMALL_CONFIG, {
      seed: 3,
      linear: ({ module }) => {
        seen.push(module);
        return undefined;
      },
    });
    expect(seen).toEqual(plain.namedLinears().map(([name]) => name));
    const other = declined.namedParameters();
    for (const [i, [name, v]] of plain.namedParameters().entries()) {
      expect(other[i]![0]).toBe(name);
      expect(await other[i]![1].data()).toEqual(await v.data());
    }
    plain.dispose();
    declined.dispose();
  });

  it('puts the built layer in its slot and refuses one of the wrong shape without leaking', () => {
    const built: Linear[] = [];
    const model = createLlama(SMALL_CONFIG, {
      seed: 4,
      linear: ({ module, inFeatures, outFeatures }) => {
        if (!module.endsWith('.q_proj')) return undefined;
        const layer = kernelLinear(tf.tidy(() => tf.variable(tf.zeros([inFeatures, outFeatures]))));
        built.push(layer);
        return layer;
      },
    });
    expect(model.getLinear('model.layers.1.self_attn.q_proj')).toBe(built[1]);
    model.dispose();
    const before = tf.memory().numTensors;
    expect(() =>
      createLlama(SMALL_CONFIG, {
        linear: ({ module }) =>
          module === 'lm_head'
            ? kernelLinear(tf.tidy(() => tf.variable(tf.zeros([3, 4]))))
            : undefined,
      }),
    ).toThrow(
      "createLlama: options.linear built a 3 -> 4 layer for 'lm_head', which maps 32 -> 30",
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("mlpGateActivation 'identity' drops the SiLU on the gate branch only", async () => {
    const ids = tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32');
    const silu = createLlama(SMALL_CONFIG, { seed: 5 });
    const identity = createLlama(SMALL_CONFIG, { seed: 5, mlpGateActivation: 'identity' });
    const [a, b] = [silu.forward(ids), identity.forward(ids)];
    expect(await a.data()).not.toEqual(await b.data());
    tf.dispose([ids, a, b]);
    silu.dispose();
    identity.dispose();
  });
});
