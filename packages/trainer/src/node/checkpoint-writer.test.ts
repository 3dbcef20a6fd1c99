// Checkpoint directories: atomic replacement, pruning, and the round trip through resumeFromCheckpoint.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../trainer';
import { resumeFromCheckpoint } from './checkpoint-reader';
import { listCheckpoints, pruneCheckpoints, writeCheckpoint } from './checkpoint-writer';
import { tinyModel } from './tiny-model.test-support';

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: a small corpus for checkpoint tests, number ${i % 9}.`,
);

function build() {
  const { loaders, config, model } = tinyModel(TEXT, 1);
  const options = {
    numTrainingSteps: 8,
    batchSize: 2,
    totalBatchSize: 2,
    maxLength: 8,
    warmStartSteps: 2,
    relora: 3,
    warmupSteps: 1,
    restartWarmupSteps: 1,
    loraR: 2,
    evalEvery: 0,
  };
  return { trainer: new Trainer({ model, train: loaders.train, options }), config };
}

describe('checkpoints on disk', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('lists model_<step> directories only, oldest first, and prunes all but the newest N', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-ckpt-'));
    for (const name of ['model_10', 'model_2', 'model_30', '.tmp-model_40-123', 'notes'])
      mkdirSync(join(dir, name));
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([2, 10, 30]);
    pruneCheckpoints(dir, 2);
    expect(readdirSync(dir).sort()).toEqual(['.tmp-model_40-123', 'model_10', 'model_30', 'notes']);
  });

  it('replaces a checkpoint of the same step whole, and resumes to the same state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-ckpt-'));
    const a = build();
    for (let i = 0; i < 5; i++) {
      if (a.trainer.updateStep === 2) a.trainer.enterLoRA(false);
      await a.trainer.step();
    }
    mkdirSync(join(dir, 'model_5'));
    writeFileSync(join(dir, 'model_5', 'stale.txt'), 'from an older run');
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    expect(existsSync(join(path, 'stale.txt'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['model_5']);

    const b = build();
    resumeFromCheckpoint(b.trainer, path);
    expect({
      step: b.trainer.updateStep,
      phase: b.trainer.phase,
      restarts: b.trainer.nLoraRestarts,
    }).toEqual({ step: 5, phase: 'lora', restarts: 0 });
    const losses: number[][] = [[], []];
    a.trainer.on('step', (e) => losses[0]?.push(e.loss));
    b.trainer.on('step', (e) => losses[1]?.push(e.loss));
    for (let i = 0; i < 3; i++) {
      await a.trainer.step();
      await b.trainer.step();
    }
    // the next steps cross a merge and an optimizer reset (after 0-based step 5)
    expect(b.trainer.nLoraRestarts).toBe(1);
    expect(losses[1]).toEqual(losses[0]);
  });
});
