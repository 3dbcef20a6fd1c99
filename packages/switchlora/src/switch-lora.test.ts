import { initBackend } from '@relora/backend';
import { mulberry32 } from '@relora/core';
import { AdamW, deserializeAdamWState, serializeAdamWState } from '@relora/optim';
import { randomTensor } from '@relora/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveScheduleOptions } from './options';
import { switchReplaceCount } from './schedule';
import { ReferenceSwitchStep } from './step-adamw-reference.test-support';
import { type ApplySwitchLoRAOptions, applySwitchLoRA } from './switch-lora';
import type { SwitchLoRALinear } from './switch-lora-linear';
import { maxMatrixDiff, referenceOf, TinyHost, toRows } from './switch-reference.test-support';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

describe('SwitchLoRA.applyGradients', () => {
  it('equals the official switch + StepAdamW in float64 on a fixture, step by step', async () => {
    const host = new TinyHost([['proj', 9, 7]], 3);
    const options: ApplySwitchLoRAOptions = {
      targets: ['proj'],
      rank: 4,
      totalSteps: 400,
      switchLoraInterval: 5,
      adamWarmStep: 2,
      seed: 11,
    };
    const sw = applySwitchLoRA(host, options);
    const layer = sw.layers.get('proj') as SwitchLoRALinear;
    const ref = new ReferenceSwitchStep(await referenceOf(layer), 2);
    const o = resolveScheduleOptions('test', { ...options, seed: 11 });
    const uniform = mulberry32(11);
    const opt = new AdamW({ lr: 0.01 });
    let switched = 0;
    for (let step = 0; step < 20; step++) {
      const gA = randomTensor([9, 4], 100 + step);
      const gB = randomTensor([4, 7], 200 + step);
      const lr = 0.01 * (1 - step / 20);
      const report = sw.applyGradients(
        opt,
        new Map([
          [layer.loraA, gA],
          [layer.loraB, gB],
        ]),
        { step, lr },
      );
      switched += report.switched;
      ref.step(
        switchReplaceCount(4, step, o, uniform),
        await toRows(gA, true),
        await toRows(gB, true),
        lr,
      );
      tf.dispose([gA, gB]);
    }
    expect(maxMatrixDiff(await toRows(layer.loraA, true), ref.layer.A)).toBeLessThan(2e-6);
    expect(maxMatrixDiff(await toRows(layer.loraB, true), ref.layer.B)).toBeLessThan(2e-6);
    expect(maxMatrixDiff(await toRows(layer.kernel, true), ref.layer.W)).toBeLessThan(2e-6);
    expect(maxMatrixDiff(await toRows(layer.candidatesA), ref.layer.poolA)).toBeLessThan(2e-6);
    expect(switched).toBeGreaterThan(6);
    opt.dispose();
    host.dispose();
  });

  it('leaks no tensor per step', () => {
    const host = new TinyHost(
      [
        ['a', 6, 8],
        ['b', 8, 6],
      ],
      1,
    );
    const sw = applySwitchLoRA(host, {
      targets: ['a', 'b'],
      rank: 2,
      totalSteps: 10,
      switchLoraInterval: 10,
      adamWarmStep: 1,
    });
    const opt = new AdamW({ lr: 0.01 });
    const x = randomTensor([4, 6], 2);
    const step = (i: number) => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(host.forward(x))) as tf.Scalar,
      );
      sw.applyGradients(opt, grads, { step: i });
      tf.dispose([value, grads]);
    };
    step(0); // creates the optimizer state
    const before = tf.memory().numTensors;
    for (let i = 1; i < 6; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    opt.dispose();
    host.dispose();
  });
});

describe('SwitchLoRA checkpoints', () => {
  const options: ApplySwitchLoRAOptions = {
    targets: ['up', 'down'],
    rank: 3,
    totalSteps: 30,
    switchLoraInterval: 6,
    adamWarmStep: 2,
    dropout: 0.1,
    seed: 4,
  };
  const layersOf = (): Array<[string, number, number]> => [
    ['up', 8, 12],
    ['down', 12, 8],
  ];

  async function train(
    host: TinyHost,
    sw: ReturnType<typeof applySwitchLoRA>,
    opt: AdamW,
    from: number,
    to: number,
  ) {
    for (let step = from; step < to; step++) {
      const x = randomTensor([5, 8], 50 + step);
      const y = randomTensor([5, 8], 80 + step);
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(host.forward(x, { training: true }), y))) as tf.Scalar,
        sw.loraParameters().map(([, v]) => v),
      );
      sw.applyGradients(opt, grads, { step, lr: 0.01 });
      tf.dispose([value, grads, x, y]);
    }
  }

  it('restores into a fresh model and continues bit for bit', async () => {
    const host = new TinyHost(layersOf(), 1);
    const sw = applySwitchLoRA(host, options);
    const opt = new AdamW({ lr: 0.01 });
    await train(host, sw, opt, 0, 6);
    // The checkpoint: weights, optimizer, switch state, dropout counters.
    const weights = await Promise.all(
      host.namedParameters().map(async ([n, v]) => [n, await v.data()] as const),
    );
    const optimizer = await serializeAdamWState(opt, host.namedParameters());
    const switchState = await sw.state();
    const rng = [...sw.layers].map(([n, l]) => [n, l.rngState()] as const);
    await train(host, sw, opt, 6, 12);

    const fresh = new TinyHost(layersOf(), 9); // other weights: the restore must replace them all
    const sw2 = applySwitchLoRA(fresh, { ...options });
    const opt2 = new AdamW({ lr: 0.5 });
    const named = new Map(fresh.namedParameters());
    for (const [n, values] of weights) named.get(n)!.assign(tf.tensor(values, named.get(n)!.shape));
    deserializeAdamWState(opt2, optimizer, fresh.namedParameters());
    // The JSON part goes through a checkpoint's JSON file.
    sw2.restoreState({
      meta: JSON.parse(JSON.stringify(switchState.meta)),
      tensors: switchState.tensors,
    });
    for (const [n, state] of rng) sw2.layers.get(n)!.restoreRngState(state);
    await train(fresh, sw2, opt2, 6, 12);

    for (const [[name, a], [, b]] of host
      .namedParameters()
      .map((p, i) => [p, fresh.namedParameters()[i]!] as const)) {
      expect(await b.data(), name).toEqual(await a.data());
    }
    const [s1, s2] = [await sw.state(), await sw2.state()];
    expect(s2.meta).toEqual(s1.meta);
    expect(s2.tensors).toEqual(s1.tensors);
    const x = randomTensor([3, 8], 7);
    expect(await fresh.forward(x).data()).toEqual(await host.forward(x).data());
    x.dispose();
    opt.dispose();
    opt2.dispose();
    host.dispose();
    fresh.dispose();
  });

  it('refuses a state of other layers', async () => {
    const host = new TinyHost(layersOf(), 1);
    const sw = applySwitchLoRA(host, options);
    const other = new TinyHost(layersOf(), 1);
    const sw2 = applySwitchLoRA(other, { ...options, targets: ['up'] });
    expect(() => sw2.restoreState({ meta: { format: 'other' }, tensors: {} } as never)).toThrow(
      /not a relora-switchlora v1 state/,
    );
    await expect(sw.state().then((s) => sw2.restoreState(s))).rejects.toThrow(
      /the state holds layers \[down, up\], this model \[up\]/,
    );
    host.dispose();
    other.dispose();
  });
});

describe('SwitchLoRA training', () => {
  /** Fits y = x T (T a full-rank 8 x 8 map) with rank-2 factors; returns the loss every 50 steps. */
  async function fit(switchLoraInterval: number): Promise<number[]> {
    const host = new TinyHost([['proj', 8, 8]], 2);
    const sw = applySwitchLoRA(host, {
      targets: ['proj'],
      rank: 2,
      totalSteps: 300,
      switchLoraInterval,
      switchLoraDescentRate: 1,
      adamWarmStep: 2,
      seed: 1,
    });
    const target = randomTensor([8, 8], 3, 0.5);
    const opt = new AdamW({ lr: 0.02 });
    const losses: number[] = [];
    for (let step = 0; step < 300; step++) {
      const x = randomTensor([16, 8], 1000 + step);
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(host.forward(x), tf.matMul(x, target)))) as tf.Scalar,
        sw.loraParameters().map(([, v]) => v),
      );
      if (step % 50 === 0 || step === 299) losses.push((await value.data())[0]!);
      sw.applyGradients(opt, grads, { step, lr: 0.02 * (1 - step / 300) });
      tf.dispose([value, grads, x]);
    }
    target.dispose();
    opt.dispose();
    host.dispose();
    return losses;
  }

  it('learns a full-rank linear map with rank-2 factors, which plain LoRA cannot', async () => {
    const switching = await fit(10);
    const hardlySwitching = await fit(1e6);
    // Seen: 0.340 -> 0.0041 switching, 0.340 -> 0.078 without (a rank-2 update cannot fit T).
    expect(switching.at(-1)!).toBeLessThan(0.05 * switching[0]!);
    expect(switching.at(-1)!).toBeLessThan(0.25 * hardlySwitching.at(-1)!);
  });
});
