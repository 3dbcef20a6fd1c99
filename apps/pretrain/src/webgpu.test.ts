// relora-pretrain on webgpu (Dawn in Node) trains as it does on cpu, loss for loss. Skipped where
// no WebGPU adapter exists; CI installs Mesa's lavapipe so it runs there.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, releaseBackend } from '@relora/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonl, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

const probe = await initBackend({ prefer: 'webgpu' }).catch((error: Error) => error);
const missing = probe instanceof Error ? probe.message.split('\n')[0] : undefined;

const root = mkdtempSync(join(tmpdir(), 'relora-pretrain-webgpu-'));
// 20 update steps through a warm start, LoRA with dropout, a merge and an optimizer reset, with
// evaluations, a checkpoint and a sample: every read the trainer makes.
const RUN = tinyArgs(
  writeTinyModelConfig(root),
  '--total_batch_size 2 --num_training_steps 20 --warm-start-steps 10 --relora 5 ' +
    '--restart_warmup_steps 1 --lora_r 4 --eval_every 10 --eval-tokens 32 --save_every 20 ' +
    '--sample-tokens 4',
);

function losses(dir: string, file: string, key: string): number[] {
  return jsonl(join(dir, file)).map((record) => Number(record[key]));
}

describe.skipIf(missing !== undefined)(
  `relora-pretrain --backend webgpu (skipped here: ${missing})`,
  () => {
    const onCpu = join(root, 'cpu');
    const onGpu = join(root, 'webgpu');
    let gpuRun: Awaited<ReturnType<typeof cli>>;

    beforeAll(async () => {
      const cpuRun = await cli([...RUN, '--backend', 'cpu', '--save_dir', onCpu]);
      expect(cpuRun.err).toBe('');
      expect(cpuRun.code).toBe(0);
      gpuRun = await cli([...RUN, '--backend', 'webgpu', '--save_dir', onGpu]);
    });
    afterAll(() => {
      releaseBackend();
      rmSync(root, { recursive: true, force: true });
    });

    it('trains, names the adapter it ran on, and saves', () => {
      expect(gpuRun.err).toBe('');
      expect(gpuRun.code).toBe(0);
      expect(gpuRun.out).toMatch(/; backend webgpu on \S.*$/m);
      expect(JSON.parse(readFileSync(join(onGpu, 'config.json'), 'utf8')).run_backend).toBe(
        'webgpu',
      );
      expect(gpuRun.out).toMatch(/^sample: /m);
    });

    it('gives the losses and evaluations of the same run on cpu within 1e-4', () => {
      const cpu = losses(onCpu, 'metrics.jsonl', 'loss');
      const gpu = losses(onGpu, 'metrics.jsonl', 'loss');
      expect(gpu).toHaveLength(20);
      expect(cpu).toHaveLength(20);
      const worst = Math.max(...gpu.map((loss, i) => Math.abs(loss - cpu[i]!)));
      expect(worst).toBeLessThanOrEqual(1e-4);
      const cpuEval = losses(onCpu, 'eval.jsonl', 'eval_loss');
      const gpuEval = losses(onGpu, 'eval.jsonl', 'eval_loss');
      expect(gpuEval).toHaveLength(cpuEval.length);
      for (const [i, loss] of gpuEval.entries())
        expect(Math.abs(loss - cpuEval[i]!)).toBeLessThanOrEqual(1e-4);
    });

    it('refuses --workers: data-parallel workers run on wasm or cpu only', async () => {
      const result = await cli([
        ...RUN,
        '--backend',
        'webgpu',
        '--workers',
        '2',
        '--save_dir',
        join(root, 'workers'),
      ]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(
        /--workers: data-parallel workers run on the wasm or cpu backend, not webgpu/,
      );
    });
  },
);
