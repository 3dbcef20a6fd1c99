// Checkpoint directories: atomic replacement, pruning, file hashes, and the round trip through resumeFromCheckpoint.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../trainer';
import { loadCheckpointWeights, resumeFromCheckpoint } from './checkpoint-reader';
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
  return { trainer: new Trainer({ model, train: loaders.train, options }), config, model };
}

/** Takes `steps` update steps, switching to LoRA after step 2. */
async function trainSteps(trainer: Trainer, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    if (trainer.updateStep === 2) trainer.enterLoRA(false);
    await trainer.step();
  }
}

/** Flips the lowest bit of one byte in the middle of a safetensors file's data section. */
function flipDataBit(path: string): void {
  const bytes = readFileSync(path);
  const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
  const at = dataStart + Math.floor((bytes.length - dataStart) / 2);
  bytes[at] = (bytes[at] as number) ^ 1;
  writeFileSync(path, bytes);
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

  it('records the SHA-256 of each tensor file and refuses a resume from a changed one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-ckpt-'));
    const a = build();
    await a.trainer.step();
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    const statePath = join(path, 'training_state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    const sha = (name: string) =>
      createHash('sha256')
        .update(readFileSync(join(path, name)))
        .digest('hex');
    expect(state.files).toEqual({
      'model.safetensors': sha('model.safetensors'),
      'optimizer.safetensors': sha('optimizer.safetensors'),
    });

    // unmodified: resumes
    expect(resumeFromCheckpoint(build().trainer, path).updateStep).toBe(1);

    for (const name of ['model.safetensors', 'optimizer.safetensors']) {
      const copy = mkdtempSync(join(tmpdir(), 'relora-ckpt-'));
      for (const file of readdirSync(path))
        writeFileSync(join(copy, file), readFileSync(join(path, file)));
      flipDataBit(join(copy, name));
      const b = build();
      let message = '';
      try {
        resumeFromCheckpoint(b.trainer, copy);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(
        new RegExp(
          `^${join(copy, name)}: SHA-256 [0-9a-f]{64} differs from ${sha(name)} in training_state.json`,
        ),
      );
      expect(message).not.toContain('\n');
      expect(b.trainer.updateStep).toBe(0);
      if (name === 'model.safetensors')
        expect(() => loadCheckpointWeights(b.model as never, copy)).toThrow(/SHA-256/);
      // a checkpoint written before hashes were recorded resumes unchecked
      const { files: _files, ...older } = state;
      writeFileSync(join(copy, 'training_state.json'), JSON.stringify(older));
      expect(resumeFromCheckpoint(build().trainer, copy).updateStep).toBe(1);
    }

    // hashes that are not SHA-256 digests are refused
    writeFileSync(statePath, JSON.stringify({ ...state, files: { 'model.safetensors': 'x' } }));
    expect(() => resumeFromCheckpoint(build().trainer, path)).toThrow(/files must map file names/);
    // a tensor file without a recorded hash is refused
    writeFileSync(statePath, JSON.stringify({ ...state, files: {} }));
    expect(() => resumeFromCheckpoint(build().trainer, path)).toThrow(
      /optimizer\.safetensors: training_state\.json records no SHA-256/,
    );
  });

  it('records training_weights.safetensors in the LoRA phase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-ckpt-'));
    const a = build();
    await trainSteps(a.trainer, 3);
    const path = await writeCheckpoint(a.trainer, { dir, config: a.config });
    const state = JSON.parse(readFileSync(join(path, 'training_state.json'), 'utf8'));
    expect(Object.keys(state.files).sort()).toEqual([
      'model.safetensors',
      'optimizer.safetensors',
      'training_weights.safetensors',
    ]);
    flipDataBit(join(path, 'training_weights.safetensors'));
    expect(() => resumeFromCheckpoint(build().trainer, path)).toThrow(
      /training_weights\.safetensors: SHA-256 [0-9a-f]{64} differs/,
    );
  });

  it('replaces a checkpoint of the same step whole, and resumes to the same state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-ckpt-'));
    const a = build();
    await trainSteps(a.trainer, 5);
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
