import { initBackend } from '@relora/backend';
import { jacobiSvd } from '@relora/linalg';
import { randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceOptions, type ReferenceState, referenceStep } from './galore.test-support';
import { GaLoreAdamW } from './galore-adamw';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

function maxRelDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return worst / scale;
}

const BASE = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.1, scale: 0.25 };

/** Runs `steps` GaLore/Fira steps on one kernel and checks each against the float64 reference. */
async function checkAgainstReference(
  shape: [number, number],
  rank: number,
  fira?: ReferenceOptions['fira'],
) {
  const [a, b] = shape;
  const w = tf.variable(randomTensor(shape, 1), true);
  const opt = new GaLoreAdamW(
    {
      ...BASE,
      rank,
      updateProjGap: 2,
      fira: !!fira,
      firaResidual: fira?.residual ?? 'code',
      gamma: fira?.gamma ?? 1.01,
    },
    [w],
  );
  const slot = opt.slot(w)!;
  const r = Math.min(rank, a, b);
  const state: ReferenceState = {
    m: new Float64Array(slot.m.size),
    v: new Float64Array(slot.v.size),
    t: 0,
  };
  const ref: ReferenceOptions = {
    lr: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-6,
    alpha: 0.25,
    weightDecay: 0.1,
    ...(fira ? { fira } : {}),
  };
  let projectors = 0;
  let lastProjector: Float32Array | undefined;
  for (let step = 0; step < 4; step++) {
    const g = randomTensor(shape, 10 + step, 0.5);
    const before = await w.data();
    const gValues = await g.data();
    // The lr of this call differs from the constructor's: the per-call lr is the one used.
    await opt.applyGradients({ [w.name]: g }, { lr: 0.01 });
    const p = (await slot.projector!.data()) as Float32Array;
    if (!lastProjector || p.some((x, i) => x !== lastProjector![i])) projectors++;
    lastProjector = new Float32Array(p);
    const want = referenceStep(before, gValues, p, a, b, r, state, ref);
    expect(maxRelDiff(await w.data(), want)).toBeLessThan(2e-5);
    expect(maxRelDiff(await slot.m.data(), state.m)).toBeLessThan(2e-5);
    g.dispose();
  }
  // Refreshes at steps 0 and 2 (t mod T == 0 with T = 2), moments kept across them.
  expect(projectors).toBe(2);
  expect(slot.step).toBe(4);
  opt.dispose();
  w.dispose();
}

describe('GaLoreAdamW', () => {
  it('projects the shorter side: [in, r] for a wide kernel, [r, out] for a tall one, [in, r] when square', () => {
    const wide = tf.variable(tf.zeros([6, 10]));
    const tall = tf.variable(tf.zeros([10, 6]));
    const square = tf.variable(tf.zeros([8, 8]));
    const opt = new GaLoreAdamW({ lr: 1, rank: 4 }, [wide, tall, square]);
    expect(opt.slot(wide)!.side).toBe('left');
    expect(opt.slot(wide)!.m.shape).toEqual([4, 10]);
    expect(opt.slot(tall)!.side).toBe('right');
    expect(opt.slot(tall)!.m.shape).toEqual([10, 4]);
    expect(opt.slot(square)!.side).toBe('left');
    opt.dispose();
    tf.dispose([wide, tall, square]);
  });

  it('GaLore steps equal the float64 reference, left and right side', async () => {
    await checkAgainstReference([6, 10], 3);
    await checkAgainstReference([10, 6], 3);
  });

  it('Fira steps equal the float64 reference (code and paper residual), limiter included', async () => {
    await checkAgainstReference([6, 10], 3, { gamma: 1.01, residual: 'code' });
    await checkAgainstReference([10, 6], 2, { gamma: 1.01, residual: 'paper' });
  });

  it('refreshes the projector to the top-r left singular vectors of the raw gradient', async () => {
    const w = tf.variable(tf.zeros([12, 20]));
    const opt = new GaLoreAdamW({ lr: 0.01, rank: 4 }, [w]);
    const g = randomTensor([12, 20], 3);
    await opt.applyGradients({ [w.name]: g });
    const p = await opt.slot(w)!.projector!.data();
    const exact = jacobiSvd(await g.data(), 12, 20);
    // Energy of g captured by p equals the sum of the top-4 squared singular values.
    const pt = tf.matMul(opt.slot(w)!.projector!, g, true, false);
    const captured = (await tf.sum(tf.square(pt)).data())[0]!;
    const best = exact.s.slice(0, 4).reduce((s, x) => s + x * x, 0);
    expect(Math.abs(captured - best) / best).toBeLessThan(1e-3);
    expect(p.length).toBe(12 * 4);
    tf.dispose([w, g, pt]);
    opt.dispose();
  });

  it('leaves non-target variables to the plain AdamW and leaks no tensor per step', async () => {
    const w = tf.variable(randomTensor([8, 16], 1));
    const bias = tf.variable(randomTensor([16], 2));
    const opt = new GaLoreAdamW({ lr: 0.01, rank: 2, updateProjGap: 3, fira: true }, [w]);
    const step = async () => {
      const grads = { [w.name]: randomTensor([8, 16], 5), [bias.name]: randomTensor([16], 6) };
      await opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
    };
    await step(); // creates the state
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await step(); // includes a refresh at step 3
    expect(tf.memory().numTensors).toBe(before);
    expect(opt.adamw.slot(bias)?.step).toBe(6);
    expect(opt.adamw.slot(w)).toBeUndefined();
    opt.dispose();
    tf.dispose([w, bias]);
  });

  it('refuses bad options and mismatched gradients with one-line messages', async () => {
    const w = tf.variable(tf.zeros([4, 4]));
    expect(() => new GaLoreAdamW({ lr: 1, rank: 0 }, [w])).toThrow(
      'rank must be an integer >= 1, got 0',
    );
    expect(() => new GaLoreAdamW({ lr: 1, updateProjGap: 0 }, [w])).toThrow(
      'updateProjGap must be an integer >= 1',
    );
    const opt = new GaLoreAdamW({ lr: 1, rank: 2 }, [w]);
    const g = tf.zeros([4, 5]);
    await expect(opt.applyGradients({ [w.name]: g })).rejects.toThrow('does not match');
    tf.dispose([w, g]);
    opt.dispose();
  });
});
