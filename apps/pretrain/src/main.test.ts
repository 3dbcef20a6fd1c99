// relora-pretrain end to end, in-process: outputs, restart steps, exact resume, bad input, checkpoint pruning.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors } from '@relora/llama';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from './parse-args';
import { resolveConfig } from './resolve-config';
import { cli, jsonl, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

function parseFlags(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.flags;
}

const root = mkdtempSync(join(tmpdir(), 'relora-pretrain-'));
const modelConfig = writeTinyModelConfig(root);
// 1 layer, d = 32: a few seconds for the whole run.
const TINY = tinyArgs(
  modelConfig,
  '--total_batch_size 4 --num_training_steps 12 --warm-start-steps 4 --relora 4 --restart_warmup_steps 1 ' +
    '--lora_r 4 --eval_every 4 --eval-tokens 64 --save_every 6 --sample-tokens 8',
);

describe('relora-pretrain', () => {
  const run = join(root, 'run');

  beforeAll(async () => {
    const result = await cli([...TINY, '--save_dir', run]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });

  it('trains on two data-parallel threads with --workers 2, as one thread before LoRA dropout', async () => {
    const dual = join(root, 'run-workers');
    const result = await cli([...TINY, '--workers', '2', '--save_dir', dual]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dual, 'config.json'), 'utf8')).workers).toBe(2);
    const one = jsonl(join(run, 'metrics.jsonl'));
    const two = jsonl(join(dual, 'metrics.jsonl'));
    expect(two.map((m) => m.update_step)).toEqual(one.map((m) => m.update_step));
    // The full-rank warm start has no dropout: the same gradients up to float32 rounding.
    for (let i = 0; i < 4; i++) {
      expect(two[i]?.loss).toBeCloseTo(one[i]?.loss as number, 4);
    }
  });

  it('writes the run directory: config, metrics, evals, checkpoints, report', () => {
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      mode: 'relora',
      lora_r: 4,
      relora: 4,
      num_training_steps: 12,
      run_backend: 'wasm',
    });
    const metrics = jsonl(join(run, 'metrics.jsonl'));
    expect(metrics.map((m) => m.update_step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const key of [
      'loss',
      'lr',
      'tokens_seen',
      'throughput_tokens',
      'grad_norm',
      'n_lora_restarts',
      'n_optimizer_resets',
    ]) {
      expect(metrics.every((m) => typeof m[key] === 'number' && Number.isFinite(m[key]))).toBe(
        true,
      );
    }
    expect(metrics.at(-1)?.tokens_seen).toBe(12 * 4 * 16);
    const evals = jsonl(join(run, 'eval.jsonl'));
    expect(evals.map((e) => e.update_step)).toEqual([0, 4, 8, 12]);
    expect(
      evals.every(
        (e) =>
          e.eval_tokens === 64 &&
          Math.abs(Number(e.perplexity) - Math.exp(Number(e.eval_loss))) <
            1e-6 * Number(e.perplexity),
      ),
    ).toBe(true);
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual(['model_12', 'model_6']);
    expect(readFileSync(join(run, 'report.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('merges and resets the optimizer on the reference cadence: LoRA from step 4, every 4 steps, after the update', () => {
    const metrics = jsonl(join(run, 'metrics.jsonl'));
    // (update_step - scheduler_start_step) % relora == 1 with scheduler_start_step = 4: update step 9 only (13 is past the end)
    const restartedAt = metrics
      .filter((m, i) => Number(m.n_lora_restarts) > (metrics[i - 1]?.n_lora_restarts ?? 0))
      .map((m) => m.update_step);
    expect(restartedAt).toEqual([9]);
    expect(metrics.at(-1)).toMatchObject({ n_lora_restarts: 1, n_optimizer_resets: 1 });
  });

  it('saves a Hugging Face checkpoint with LoRA merged, plus optimizer, LoRA and training state', () => {
    const dir = join(run, 'checkpoints', 'model_12');
    const model = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
    const names = [...model.tensors.keys()];
    expect(names).toContain('model.layers.0.self_attn.q_proj.weight');
    expect(names.some((n) => n.includes('lora_'))).toBe(false);
    expect(model.tensors.get('model.layers.0.mlp.up_proj.weight')?.shape).toEqual([64, 32]);
    const raw = decodeSafetensors(
      new Uint8Array(readFileSync(join(dir, 'training_weights.safetensors'))),
    );
    expect(raw.tensors.get('model.layers.0.mlp.up_proj.lora_A.weight')?.shape).toEqual([4, 32]);
    const state = JSON.parse(readFileSync(join(dir, 'training_state.json'), 'utf8'));
    expect(state).toMatchObject({
      updateStep: 12,
      globalStep: 24,
      phase: 'lora',
      schedulerStartStep: 4,
      nLoraRestarts: 1,
    });
    expect(state.dataCursor).toMatchObject({ batch: expect.any(Number), epoch: 0 });
    expect(Object.keys(state.rng.lora)).toHaveLength(7);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      hidden_size: 32,
      model_type: 'llama',
    });
    expect(existsSync(join(dir, 'optimizer.safetensors'))).toBe(true);
  });

  it('resumes from a checkpoint with exactly the losses of the uninterrupted run', async () => {
    const resumed = join(root, 'resumed');
    cpSync(join(run, 'checkpoints', 'model_6'), join(resumed, 'checkpoints', 'model_6'), {
      recursive: true,
    });
    const result = await cli([
      ...TINY,
      '--resume_from',
      join(resumed, 'checkpoints', 'model_6'),
      '--keep_checkpoints',
      '1',
    ]);
    expect(result.code).toBe(0);
    const original = jsonl(join(run, 'metrics.jsonl')).slice(6);
    expect(jsonl(join(resumed, 'metrics.jsonl'))).toEqual(
      original.map((m) => ({ ...m, throughput_tokens: expect.any(Number) })),
    );
    expect(readdirSync(join(resumed, 'checkpoints'))).toEqual(['model_12']);
  });

  it("picks the newest checkpoint with --autoresume, and reads a run's config.json back as --config", async () => {
    const again = join(root, 'again');
    cpSync(join(run, 'checkpoints', 'model_6'), join(again, 'checkpoints', 'model_6'), {
      recursive: true,
    });
    const result = await cli([...TINY, '--autoresume', '--save_dir', again]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/resuming from .*model_6 at update step 6/);
    const fromFile = resolveConfig({ config: join(run, 'config.json') });
    expect(fromFile.trainer).toEqual(
      resolveConfig(parseFlags([...TINY, '--save_dir', run])).trainer,
    );
  });

  it('starts ReLoRA from a full-rank checkpoint with --warmed_up_model, at its step', async () => {
    const full = join(root, 'full');
    const warm = await cli([
      ...TINY,
      '--mode',
      'full',
      '--relora',
      'none',
      '--warm-start-steps',
      '0',
      '--scheduler',
      'cosine',
      '--num_training_steps',
      '4',
      '--save_dir',
      full,
    ]);
    expect(warm.err).toBe('');
    expect(warm.code).toBe(0);
    const relora = join(root, 'from-warm');
    const result = await cli([
      ...TINY,
      '--warmed_up_model',
      join(full, 'checkpoints', 'model_4'),
      '--save_dir',
      relora,
    ]);
    expect(result.code).toBe(0);
    const metrics = jsonl(join(relora, 'metrics.jsonl'));
    expect(metrics.map((m) => m.update_step)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(metrics.find((m) => m.n_lora_restarts === 1)?.update_step).toBe(9);
    // the warm run's counters carry on, as in the reference
    expect(metrics[0]?.tokens_seen).toBe(5 * 4 * 16);
    expect(jsonl(join(relora, 'eval.jsonl'))[0]?.update_step).toBe(4);
  });

  it.each([
    [['--lr', 'fast'], '--lr: expected a number, got "fast"'],
    [
      ['--num_training_steps', '13'],
      '--cycle-length: training steps after the warm start (9) must be divisible by the cycle length (4)',
    ],
    [['--dataset', '/no/such/corpus.txt'], '--dataset: /no/such/corpus.txt does not exist'],
    [['--lora_rank', '4'], "unknown option '--lora_rank'"],
    [['--eval-tokens', '100000000'], '--eval-tokens: the validation split holds'],
    [
      ['--resume_from', join(root, 'run', 'checkpoints', 'model_6'), '--lora_r', '8'],
      '--save-dir: ',
    ],
    [['--warmed_up_model', join(root, 'nowhere')], '--warmed-up-model: '],
  ])('exits 2 on %j with a one-line message and writes nothing', async (bad, message) => {
    const saveDir = join(root, `bad-${Math.random().toString(36).slice(2)}`);
    const result = await cli([...TINY, ...bad, '--save_dir', saveDir]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(existsSync(saveDir)).toBe(false);
  });

  it('refuses a checkpoint of another model', async () => {
    const other = join(root, 'other-config.json');
    writeFileSync(
      other,
      JSON.stringify({
        hidden_size: 16,
        intermediate_size: 32,
        num_attention_heads: 2,
        num_hidden_layers: 1,
        vocab_size: 258,
      }),
    );
    const argv = [
      ...TINY,
      '--model_config',
      other,
      '--resume_from',
      join(run, 'checkpoints', 'model_6'),
    ];
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--resume-from: .*model_6\/config.json describes another model/);
  });

  it('stops on a non-finite loss with a clear message, keeping the last good checkpoint', async () => {
    const saveDir = join(root, 'diverged');
    const result = await cli([
      ...TINY,
      '--mode',
      'full',
      '--scheduler',
      'cosine',
      '--relora',
      'null',
      '--warm-start-steps',
      '0',
      '--lr',
      '1e35',
      '--clip_grad_norm',
      '0',
      '--save_every',
      '1',
      '--save_dir',
      saveDir,
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /training loss is (NaN|Infinity|-Infinity) at update step \d+: stopped without applying that update/,
    );
    const kept = readdirSync(join(saveDir, 'checkpoints')).filter((d) => d.startsWith('model_'));
    expect(kept.length).toBeGreaterThan(0);
  });
});
