// --method switchlora in relora-pretrain: the official code's option names, its recipe, one-line errors, a run and its exact resume.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '@relora/llama';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './parse-args';
import { UsageError } from './parse-value';
import { resolveConfig } from './resolve-config';
import { cli, jsonl, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

function resolve(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return resolveConfig(parsed.flags, new Date('2026-01-02T03:04:05Z'));
}

describe('--method switchlora', () => {
  it('trains the wrapped model in one phase with the official recipe (s = 1/r, no dropout, one cosine)', () => {
    const { trainer } = resolve(['--method', 'switchlora']);
    expect(trainer).toMatchObject({
      method: 'switchlora',
      mode: 'full',
      warmStartSteps: 0,
      relora: null,
      scheduler: 'cosine',
      loraAlpha: 1,
      loraDropout: 0,
      switchLoraInterval: 40,
      switchLoraDescentRate: 0.1,
      adamWarmStep: 5,
    });
  });

  it("takes the official code's option names", () => {
    const { trainer } = resolve([
      '--method',
      'switchlora',
      '--lora_r',
      '16',
      '--switch_lora_interval',
      '20',
      '--switch_lora_descent_rate',
      '0.5',
      '--adam_warm_step',
      '3',
    ]);
    expect(trainer).toMatchObject({
      loraR: 16,
      switchLoraInterval: 20,
      switchLoraDescentRate: 0.5,
      adamWarmStep: 3,
    });
  });

  it('refuses an interval below twice the freeze, a freeze of 0 and data-parallel threads, naming the flag', () => {
    expect(() =>
      resolve(['--method', 'switchlora', '--switch-lora-interval', '8', '--adam-warm-step', '5']),
    ).toThrow(
      new UsageError('--switch-lora-interval: must be at least 2 * adamWarmStep = 10, got 8'),
    );
    expect(() =>
      resolve(['--method', 'switchlora', '--batch-size', '4', '--workers', '2']),
    ).toThrow(new UsageError('--workers: --method switchlora runs on one thread; use --workers 1'));
    expect(() => resolve(['--method', 'switchlora', '--adam-warm-step', '0'])).toThrow(
      new UsageError('--adam-warm-step: must be an integer >= 1, or -1 for no freezing, got 0'),
    );
  });
});

describe('relora-pretrain --method switchlora', () => {
  it('trains, writes plain LLaMA weights, and resumes with exactly the losses of the uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'relora-switchlora-'));
    const TINY = tinyArgs(
      writeTinyModelConfig(root),
      '--method switchlora --total_batch_size 4 --num_training_steps 8 --lora_r 4 ' +
        '--switch_lora_interval 10 --adam_warm_step 2 --lora_dropout 0.1 --lr 0.01 ' +
        '--eval_every 4 --eval-tokens 64 --save_every 4 --sample-tokens 0',
    );
    const run = join(root, 'run');
    const first = await cli([...TINY, '--save_dir', run]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const weights = decodeSafetensors(
      readFileSync(join(run, 'checkpoints', 'model_8', 'model.safetensors')),
    );
    const names = [...weights.tensors.keys()];
    expect(names).toContain('model.layers.0.self_attn.q_proj.weight');
    expect(names.some((n) => n.includes('lora_') || n.includes('candidates'))).toBe(false);

    const resumed = join(root, 'resumed');
    cpSync(join(run, 'checkpoints', 'model_4'), join(resumed, 'checkpoints', 'model_4'), {
      recursive: true,
    });
    const again = await cli([...TINY, '--resume_from', join(resumed, 'checkpoints', 'model_4')]);
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    const original = jsonl(join(run, 'metrics.jsonl')).slice(4);
    expect(jsonl(join(resumed, 'metrics.jsonl'))).toEqual(
      original.map((m) => ({ ...m, throughput_tokens: expect.any(Number) })),
    );
  });
});
