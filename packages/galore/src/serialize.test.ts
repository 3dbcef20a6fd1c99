import { initBackend } from '@relora/backend';
import { deserializeAdamWState, serializeAdamWState } from '@relora/optim';
import { randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GaLoreAdamW } from './galore-adamw';
import { deserializeGaLoreState, serializeGaLoreState } from './serialize';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

/** A matrix, a tall matrix and a vector (plain AdamW), with seeded values. */
function params(): Array<[string, tf.Variable]> {
  return [
    ['mlp.up', tf.variable(randomTensor([6, 12], 1))],
    ['mlp.down', tf.variable(randomTensor([12, 6], 2))],
    ['norm', tf.variable(randomTensor([6], 3))],
  ];
}

const OPTIONS = { lr: 0.01, rank: 3, updateProjGap: 3, fira: true, scale: 0.25 };

async function steps(
  opt: GaLoreAdamW,
  named: Array<[string, tf.Variable]>,
  from: number,
  to: number,
) {
  for (let s = from; s < to; s++) {
    const grads: tf.NamedTensorMap = {};
    named.forEach(([, v], i) => {
      grads[v.name] = randomTensor(v.shape, 100 * s + i, 0.3);
    });
    await opt.applyGradients(grads, { lr: 0.01 * (1 + s) });
    tf.dispose(Object.values(grads));
  }
}

describe('serializeGaLoreState / deserializeGaLoreState', () => {
  it('a restored optimizer continues bit for bit, across a projector refresh', async () => {
    const a = params();
    const optA = new GaLoreAdamW(
      OPTIONS,
      a.slice(0, 2).map(([, v]) => v),
    );
    await steps(optA, a, 0, 2);
    const galore = await serializeGaLoreState(optA, a);
    const adamw = await serializeAdamWState(optA.adamw, a);
    const weights = await Promise.all(a.map(([, v]) => v.data()));
    expect(galore.meta.slots.map((s) => s.key)).toEqual(['mlp.up', 'mlp.down']);
    expect(galore.meta.slots[0]!.limiterNorm).toBeGreaterThan(0);
    // JSON round trip, as a checkpoint does.
    const meta = JSON.parse(JSON.stringify(galore.meta));

    const b = params();
    b.forEach(([, v], i) => {
      v.assign(tf.tensor(weights[i] as Float32Array, v.shape));
    });
    const optB = new GaLoreAdamW(
      OPTIONS,
      b.slice(0, 2).map(([, v]) => v),
    );
    deserializeGaLoreState(optB, { meta, tensors: galore.tensors }, b);
    deserializeAdamWState(optB.adamw, adamw, b);

    await steps(optA, a, 2, 5);
    await steps(optB, b, 2, 5);
    for (let i = 0; i < a.length; i++) expect(await b[i]![1].data()).toEqual(await a[i]![1].data());
    optA.dispose();
    optB.dispose();
    tf.dispose([...a, ...b].map(([, v]) => v));
  });

  it('refuses a state of another rank before changing anything', async () => {
    const a = params();
    const opt = new GaLoreAdamW(OPTIONS, [a[0]![1]]);
    await steps(opt, a.slice(0, 1), 0, 1);
    const saved = await serializeGaLoreState(opt, a);
    const other = new GaLoreAdamW({ ...OPTIONS, rank: 2 }, [a[0]![1]]);
    expect(() => deserializeGaLoreState(other, saved, a)).toThrow(
      "'mlp.up' was saved with side left and moments [3,12], here left and [2,12]",
    );
    expect(other.slot(a[0]![1])!.step).toBe(0);
    opt.dispose();
    other.dispose();
    tf.dispose(a.map(([, v]) => v));
  });
});
