// relora-pretrain --method cola / cola-m: trains a CoLA model, saves CoLA directories, resumes exactly.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadColaCheckpoint } from '@relora/cola/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonl, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

const root = mkdtempSync(join(tmpdir(), 'relora-cola-'));
const modelConfig = writeTinyModelConfig(root);
const args = (method: string) =>
  tinyArgs(
    modelConfig,
    `--method ${method} --rank 8 --total_batch_size 4 --num_training_steps 8 --lr 0.01 ` +
      '--eval_every 4 --eval-tokens 64 --save_every 4',
  );
const losses = (run: string) => jsonl(join(run, 'metrics.jsonl')).map((m) => m.loss);

describe('relora-pretrain --method cola', () => {
  const run = join(root, 'cola');

  beforeAll(async () => {
    const result = await cli([...args('cola'), '--save_dir', run]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });

  it('trains from scratch and saves CoLA directories the CoLA loader reads', async () => {
    const trained = losses(run);
    expect(trained).toHaveLength(8);
    expect(trained.at(-1)).toBeLessThan(trained[0]! - 0.5);
    const dir = join(run, 'checkpoints', 'model_8');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'cola', rank: 8, only_lr_act: false });
    const model = await loadColaCheckpoint(dir);
    expect(model.namedParameters().map(([n]) => n)).toContain(
      'model.layers.0.mlp.down_proj.cola_a',
    );
    model.dispose();
  });

  it('resumes from a checkpoint with exactly the losses of the uninterrupted run', async () => {
    const resumed = join(root, 'resumed');
    cpSync(join(run, 'checkpoints', 'model_4'), join(resumed, 'checkpoints', 'model_4'), {
      recursive: true,
    });
    const result = await cli([
      ...args('cola'),
      '--resume_from',
      join(resumed, 'checkpoints', 'model_4'),
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(losses(resumed)).toEqual(losses(run).slice(4));
  });

  it('cola-m trains to the same losses, bit for bit', async () => {
    const recomputed = join(root, 'cola-m');
    const result = await cli([...args('cola-m'), '--save_dir', recomputed]);
    expect(result.code).toBe(0);
    expect(losses(recomputed)).toEqual(losses(run));
  });

  it('refuses a rank above the model width, naming the flag', async () => {
    const result = await cli([...args('cola'), '--rank', '64', '--save_dir', join(root, 'wide')]);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/--rank: at most the model width \(hidden_size 32\)/);
  });
});
