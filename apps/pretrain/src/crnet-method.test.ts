// relora-pretrain --method crnet / crnet-m: trains a CR-Net model, saves CR-Net directories, resumes exactly.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCrNetCheckpoint } from '@relora/crnet/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonl, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

const root = mkdtempSync(join(tmpdir(), 'relora-crnet-'));
// Three blocks, so the cross-layer chain has two low-rank links.
const modelConfig = writeTinyModelConfig(root);
writeFileSync(
  modelConfig,
  JSON.stringify({ ...JSON.parse(readFileSync(modelConfig, 'utf8')), num_hidden_layers: 3 }),
);
const args = (method: string) =>
  tinyArgs(
    modelConfig,
    `--method ${method} --rank 8 --total_batch_size 4 --num_training_steps 8 --lr 0.01 ` +
      '--eval_every 4 --eval-tokens 64 --save_every 4',
  );
const losses = (run: string) => jsonl(join(run, 'metrics.jsonl')).map((m) => m.loss);

describe('relora-pretrain --method crnet', () => {
  const run = join(root, 'crnet');

  beforeAll(async () => {
    const result = await cli([...args('crnet'), '--save_dir', run]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });

  it('trains from scratch and saves CR-Net directories the CR-Net loader reads', async () => {
    const trained = losses(run);
    expect(trained).toHaveLength(8);
    expect(trained.at(-1)).toBeLessThan(trained[0]! - 0.5);
    const dir = join(run, 'checkpoints', 'model_8');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'crnet', rank: 8, num_hidden_layers: 3 });
    const model = await loadCrNetCheckpoint(dir);
    expect(model.namedParameters().map(([n]) => n)).toContain(
      'model.layers.2.mlp.down_proj.crnet_beta',
    );
    model.dispose();
  });

  it('resumes from a checkpoint with exactly the losses of the uninterrupted run', async () => {
    const resumed = join(root, 'resumed');
    cpSync(join(run, 'checkpoints', 'model_4'), join(resumed, 'checkpoints', 'model_4'), {
      recursive: true,
    });
    const result = await cli([
      ...args('crnet'),
      '--resume_from',
      join(resumed, 'checkpoints', 'model_4'),
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(losses(resumed)).toEqual(losses(run).slice(4));
  });

  it('crnet-m trains to the same losses as crnet within float32 round-off', async () => {
    const recomputed = join(root, 'crnet-m');
    const result = await cli([...args('crnet-m'), '--save_dir', recomputed]);
    expect(result.code).toBe(0);
    const [a, b] = [losses(recomputed), losses(run)];
    expect(a).toHaveLength(b.length);
    // Only β's gradient reads the rebuilt Y_{l-1}; the runs drift apart by round-off only.
    for (const [i, loss] of a.entries()) expect(loss).toBeCloseTo(b[i]!, 4);
  });

  it('refuses a rank above the model width, naming the flag', async () => {
    const result = await cli([...args('crnet'), '--rank', '64', '--save_dir', join(root, 'wide')]);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/--rank: at most the model width \(hidden_size 32\)/);
  });
});
