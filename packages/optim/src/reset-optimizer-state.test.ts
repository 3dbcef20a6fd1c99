import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { resetOptimizerState } from './reset-optimizer-state';

/** An optimizer with state for `lora` (n entries of random moments) and `other`. */
function setup(n: number) {
  const lora = tf.variable(tf.zeros([n]));
  const other = tf.variable(tf.zeros([4]));
  const fresh = tf.variable(tf.zeros([3]));
  const opt = new AdamW({ lr: 1e-3 });
  const g = tf.randomNormal([n], 0, 1, 'float32', 7);
  const h = tf.ones([4]);
  opt.applyGradients(
    new Map<tf.Variable, tf.Tensor>([
      [lora, g],
      [other, h],
    ]),
  );
  tf.dispose([g, h]);
  return {
    lora,
    other,
    fresh,
    opt,
    dispose: () => {
      tf.dispose([lora, other, fresh]);
      opt.dispose();
    },
  };
}

const zeroFraction = (t: tf.Tensor) =>
  Array.from(t.dataSync()).filter((x) => x === 0).length / t.size;

describe.each(['cpu', 'wasm'] as const)('resetOptimizerState on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('magnitude-prunes m and v of the given variables only', async () => {
    const s = setup(100_000);
    const otherM = Array.from(s.opt.slot(s.other)!.m.dataSync());
    const before = tf.memory().numTensors;
    const result = await resetOptimizerState(s.opt, [s.lora, s.fresh], {
      mode: 'magnitude',
      ratio: 0.9,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ total: 200_000, tensors: 2, skipped: 1 });
    expect(result.zeroed / result.total).toBeCloseTo(0.9, 3);
    expect(zeroFraction(s.opt.slot(s.lora)!.m)).toBeCloseTo(0.9, 3);
    expect(zeroFraction(s.opt.slot(s.lora)!.v)).toBeCloseTo(0.9, 3);
    expect(Array.from(s.opt.slot(s.other)!.m.dataSync())).toEqual(otherM);
    // the survivors are the largest: every kept |m| is above every zeroed one's original
    const kept = Array.from(s.opt.slot(s.lora)!.m.dataSync())
      .filter((x) => x !== 0)
      .map(Math.abs);
    expect(Math.min(...kept)).toBeGreaterThan(0);
    s.dispose();
  });

  it('random-prunes with the given ratio, the same mask for the same seed', async () => {
    const a = setup(100_000);
    const result = await resetOptimizerState(a.opt, [a.lora], {
      mode: 'random',
      ratio: 0.99,
      seed: 3,
    });
    expect(result.zeroed / result.total).toBeGreaterThan(0.985);
    expect(result.zeroed / result.total).toBeLessThan(0.995);
    const maskA = Array.from(a.opt.slot(a.lora)!.m.dataSync()).map((x) => x === 0);
    const b = setup(100_000);
    await resetOptimizerState(b.opt, [b.lora], { mode: 'random', ratio: 0.99, seed: 3 });
    expect(Array.from(b.opt.slot(b.lora)!.m.dataSync()).map((x) => x === 0)).toEqual(maskA);
    a.dispose();
    b.dispose();
  });

  it('zeroes everything in zero mode and validates its options', async () => {
    const s = setup(10);
    expect(await resetOptimizerState(s.opt, [s.lora], { mode: 'zero' })).toEqual({
      zeroed: 20,
      total: 20,
      tensors: 2,
      skipped: 0,
    });
    expect(zeroFraction(s.opt.slot(s.lora)!.v)).toBe(1);
    await expect(resetOptimizerState(s.opt, [s.lora], { mode: 'random' })).rejects.toThrow(
      /ratio must be in \[0, 1\] for mode 'random'/,
    );
    await expect(resetOptimizerState(s.opt, [s.lora], { mode: 'x' as 'zero' })).rejects.toThrow(
      /mode must be/,
    );
    s.dispose();
  });

  it('handles moments that are already mostly zero', async () => {
    const s = setup(1000);
    const first = await resetOptimizerState(s.opt, [s.lora], { mode: 'magnitude', ratio: 0.99 });
    expect(first.zeroed).toBe(1980);
    // as in torch: the quantile now interpolates between 0 and the smallest survivor, so the
    // survivors stay and a repeated prune at the same ratio zeroes nothing more
    const again = await resetOptimizerState(s.opt, [s.lora], { mode: 'magnitude', ratio: 0.99 });
    expect(again.zeroed).toBe(1980);
    s.dispose();
  });
});

describe('resetOptimizerState with joint masks', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  /** Entries of the LoRA variable whose m survived while v was zeroed. */
  const mWithoutV = (s: ReturnType<typeof setup>) => {
    const m = s.opt.slot(s.lora)!.m.dataSync();
    const v = s.opt.slot(s.lora)!.v.dataSync();
    let n = 0;
    for (let i = 0; i < m.length; i++) if (m[i] !== 0 && v[i] === 0) n++;
    return n;
  };

  it.each(['magnitude', 'random'] as const)('%s: one mask for m and v', async (mode) => {
    // Two updates with different gradients, so m and v rank entries differently.
    const s = setup(10_000);
    const g = tf.randomNormal([10_000], 0, 1, 'float32', 11);
    s.opt.applyGradients(new Map([[s.lora, g]]));
    g.dispose();
    const independent = setup(10_000);
    const g2 = tf.randomNormal([10_000], 0, 1, 'float32', 11);
    independent.opt.applyGradients(new Map([[independent.lora, g2]]));
    g2.dispose();
    const before = tf.memory().numTensors;
    const joint = await resetOptimizerState(s.opt, [s.lora], {
      mode,
      ratio: 0.99,
      seed: 1,
      mask: 'joint',
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(joint.zeroed / joint.total).toBeGreaterThan(0.985);
    expect(mWithoutV(s)).toBe(0);
    await resetOptimizerState(independent.opt, [independent.lora], {
      mode,
      ratio: 0.99,
      seed: 1,
    });
    // the reference's independent masks leave m without v on a share of the kept entries
    expect(mWithoutV(independent)).toBeGreaterThan(10);
    s.dispose();
    independent.dispose();
  });

  it('refuses an unknown mask before changing anything', async () => {
    const s = setup(10);
    const m = Array.from(s.opt.slot(s.lora)!.m.dataSync());
    await expect(
      resetOptimizerState(s.opt, [s.lora], {
        mode: 'magnitude',
        ratio: 0.5,
        mask: 'both' as 'joint',
      }),
    ).rejects.toThrow(/mask must be 'independent' or 'joint', got 'both'/);
    expect(Array.from(s.opt.slot(s.lora)!.m.dataSync())).toEqual(m);
    s.dispose();
  });
});
