// End-to-end ReLoRA (issue 3's done-when): a two-layer MLP on synthetic regression, three restarts.
import { initBackend } from '@relora/backend';
import { AdamW, resetOptimizerState } from '@relora/optim';
import { ReLoRA, type RestartReport, RestartScheduler } from '@relora/restarts';
import { cosineRestarts } from '@relora/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyLoRA } from './apply-lora';
import { numericalRank } from './numerical-rank.test-support';
import { TinyHost } from './tiny-host.test-support';

const RANK = 2;
const RESTART_EVERY = 100;
const STEPS = 4 * RESTART_EVERY;
const LR = 1e-2;

const MLP: Array<[string, number, number]> = [
  ['fc1', 16, 32],
  ['fc2', 32, 8],
];

describe.each(['cpu', 'wasm'] as const)('ReLoRA end to end on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it('trains a two-layer MLP through three restarts to a weight update of rank above r', async () => {
    const start = tf.memory().numTensors;
    // Synthetic regression: fit a random teacher MLP of the same shape, full batch.
    const teacher = new TinyHost(MLP, 7);
    const x = tf.randomNormal([256, 16], 0, 1, 'float32', 1);
    const y = teacher.forward(x);
    teacher.dispose();

    const student = new TinyHost(MLP, 3);
    const w0 = tf.clone(student.namedLinears()[0]![1].kernel);
    const lora = applyLoRA(student, {
      targets: ['fc'],
      rank: RANK,
      alpha: 2 * RANK,
      dropout: 0,
      trackDelta: true,
      seed: 11,
    });
    const params = lora.trainableParameters().map(([, v]) => v);
    const loraVars = lora.loraParameters().map(([, v]) => v);
    const optimizer = new AdamW({ lr: LR });
    const schedule = cosineRestarts({
      numTrainingSteps: STEPS,
      firstWarmupSteps: 10,
      restartWarmupSteps: 10,
      restartEvery: RESTART_EVERY,
    });
    // Default policy: magnitude pruning of 99% of the LoRA moments (the paper's); on tensors this
    // small the per-tensor quantile zeroes a little less than 99%.
    const relora = new ReLoRA({
      layers: [...lora.layers.values()],
      resetOptimizer: (policy) => resetOptimizerState(optimizer, loraVars, policy),
      scheduler: new RestartScheduler({ reloraEvery: RESTART_EVERY }),
    });

    const losses: number[] = [];
    const reports: RestartReport[] = [];
    for (let step = 0; step < STEPS; step++) {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(student.forward(x, { training: true }), y))) as tf.Scalar,
        params,
      );
      losses.push(value.dataSync()[0] as number);
      optimizer.applyGradients(grads, { lr: LR * schedule(step) });
      tf.dispose([value, grads]);
      const report = await relora.afterStep(step);
      if (report) reports.push(report);
    }

    expect(reports.map((r) => [r.step, r.merged])).toEqual([
      [100, 2],
      [200, 2],
      [300, 2],
    ]);
    for (const r of reports) expect(r.optimizerReset?.fraction).toBeGreaterThan(0.95);
    expect(lora.layers.get('fc1')?.restarts).toBe(3);
    // The merge keeps the function: the LR is 0 on a restart step, so the loss just after is the loss before.
    for (const r of [100, 200, 300]) {
      expect(Math.abs((losses[r + 1] as number) - (losses[r] as number))).toBeLessThan(
        1e-4 * (losses[r] as number),
      );
    }
    // The loss keeps falling across restarts: each cycle ends lower than the one before.
    const cycleEnds = [1, 2, 3, 4].map((c) =>
      mean(losses.slice(c * RESTART_EVERY - 10, c * RESTART_EVERY)),
    );
    for (let c = 1; c < cycleEnds.length; c++)
      expect(cycleEnds[c]).toBeLessThan(cycleEnds[c - 1] as number);
    expect(cycleEnds[3]).toBeLessThan((losses[0] as number) / 10);

    // Each cycle adds a rank-r update; their sum, W_final - W_initial, has rank above r.
    const fc1 = lora.layers.get('fc1')!;
    const pending = fc1.pendingUpdate();
    const total = tf.tidy(() => tf.sub(tf.add(fc1.kernel!, pending), w0)) as tf.Tensor2D;
    const delta = lora.updateDelta();
    const tracked = delta.get('fc1')!;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tracked, total))).dataSync()[0])).toBeLessThan(1e-5);
    expect(numericalRank(pending)).toBe(RANK);
    const rank = numericalRank(total);
    expect(rank).toBeGreaterThan(RANK);
    expect(rank).toBeLessThanOrEqual(4 * RANK);

    tf.dispose([x, y, w0, pending, total, ...delta.values()]);
    optimizer.dispose();
    student.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
