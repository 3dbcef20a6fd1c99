// Option precedence, reference aliases and derived options of relora-pretrain.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOptions } from './option-table';
import { helpText, parseArgs } from './parse-args';
import { resolveConfig } from './resolve-config';

function resolve(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return resolveConfig(parsed.flags, new Date('2026-01-02T03:04:05Z'));
}

describe('resolveConfig', () => {
  it('defaults to the demo: warm start then ReLoRA with at least two restarts', () => {
    const { trainer, saveDir } = resolve([]);
    expect(trainer.mode).toBe('relora');
    const restarts =
      (trainer.numTrainingSteps - trainer.warmStartSteps) / (trainer.relora ?? 0) - 1;
    expect(restarts).toBeGreaterThanOrEqual(2);
    expect(trainer.warmStartSteps).toBeGreaterThan(0);
    expect(saveDir).toBe('runs/2026-01-02T03-04-05');
  });

  it('accepts the reference snake_case names and kebab-case flags alike', () => {
    const a = resolve([
      '--lora_r',
      '8',
      '--cycle_length=50',
      '--min_lr_ratio',
      '0.2',
      '--num_training_steps',
      '300',
      '--warm-start-steps',
      '100',
      '--relora',
      '50',
    ]);
    const b = resolve([
      '--lora-r',
      '8',
      '--cycle-length',
      '50',
      '--min-lr-ratio=0.2',
      '--num-training-steps',
      '300',
      '--warm_start_steps',
      '100',
      '--relora',
      '50',
    ]);
    expect(a.trainer).toEqual(b.trainer);
    expect(a.trainer).toMatchObject({
      loraR: 8,
      cycleLength: 50,
      minLrRatio: 0.2,
      numTrainingSteps: 300,
    });
  });

  it('lets flags override a YAML or JSON config file, which overrides the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relora-config-'));
    writeFileSync(join(dir, 'run.yaml'), 'lr: 0.01\nlora_r: 16\nbatch-size: 2\n');
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ lr: 0.02, loraAlpha: 8 }));
    const yaml = resolve(['--config', join(dir, 'run.yaml'), '--lora_r', '4']);
    expect(yaml.trainer).toMatchObject({ lr: 0.01, loraR: 4, batchSize: 2, totalBatchSize: 2 });
    expect(resolve(['--training_config', join(dir, 'run.json')]).trainer).toMatchObject({
      lr: 0.02,
      loraAlpha: 8,
    });
  });

  it('maps --use_peft, --max_train_tokens and pruning the way the reference does', () => {
    expect(resolve(['--use_peft', 'false', '--scheduler', 'cosine']).trainer).toMatchObject({
      mode: 'full',
      relora: null,
      warmStartSteps: 0,
    });
    expect(resolve(['--use_peft', 'true', '--scheduler', 'cosine']).trainer).toMatchObject({
      mode: 'lora',
      relora: null,
    });
    const tokens = resolve([
      '--max_train_tokens',
      '1M',
      '--batch-size',
      '8',
      '--max-length',
      '64',
      '--mode',
      'full',
      '--scheduler',
      'linear',
    ]);
    // update steps = tokens / (total batch size * sequence length)
    expect(tokens.trainer.numTrainingSteps).toBe(Math.floor(1e6 / (8 * 64)));
    const pruned = resolve(['--optimizer_magnitude_pruning', '0.9']).trainer;
    expect(pruned).toMatchObject({ resetOptimizerOnRelora: false, optimizerMagnitudePruning: 0.9 });
  });

  it.each([
    [['--lr', '-1'], /^--lr: must be > 0/],
    [
      ['--num-training-steps', '501'],
      /^--cycle-length: training steps after the warm start \(376\) must be divisible/,
    ],
    [
      ['--total-batch-size', '12', '--batch-size', '8'],
      /^--total-batch-size: must be a multiple of batchSize/,
    ],
    [
      ['--reset_optimizer_on_relora', 'true', '--optimizer_random_pruning', '0.5'],
      /mutually exclusive/,
    ],
    [['--config', '/nonexistent/run.yaml'], /^--config: cannot read \/nonexistent\/run.yaml/],
    [
      ['--scheduler', 'step'],
      /^--scheduler: expected one of cosine_restarts, cosine, linear, got "step"/,
    ],
    [['--workers', '0'], /^--workers: must be >= 1, got 0/],
    [
      ['--workers', '9'],
      /^--workers: each worker needs at least one row .* at most --batch-size \(8\), got 9/,
    ],
    [['--bogus'], /unknown option '--bogus'/],
  ])('rejects %j with a message naming the option', (argv, message) => {
    expect(() => resolve(argv)).toThrow(message);
  });

  it('lists every option with its default and reference alias in --help', () => {
    const help = helpText();
    for (const option of cliOptions) {
      expect(help).toContain(`--${option.flag}`);
      if (option.alias !== option.flag) expect(help).toContain(`--${option.alias}`);
    }
    expect(help).toContain('(default: 500)');
    expect(parseArgs(['--help']).kind).toBe('help');
  });
});
