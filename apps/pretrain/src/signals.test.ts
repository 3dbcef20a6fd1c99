// SIGINT in a real process: the CLI finishes the update step, saves a checkpoint and exits 0.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

it('stops on SIGINT after the current step, saves, and exits 0', async () => {
  const root = mkdtempSync(join(tmpdir(), 'relora-sigint-'));
  // tsx with tsconfig paths runs the CLI from source, like vitest, without a build.
  const tsconfig = join(root, 'tsconfig.json');
  const paths = {
    '@relora/*/node': [`${repo}/packages/*/src/node.ts`],
    '@relora/*': [`${repo}/packages/*/src/index.ts`],
  };
  writeFileSync(
    tsconfig,
    JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', paths } }),
  );
  const saveDir = join(root, 'run');
  const flags = tinyArgs(
    writeTinyModelConfig(root),
    `--num_training_steps 400 --warm-start-steps 0 --relora 100 --eval_every 0 --save_every 1000 --log-every 1 --save_dir ${saveDir}`,
  );
  const args = ['--import', 'tsx', join(repo, 'apps/pretrain/src/cli.ts'), ...flags];
  // node itself with the tsx loader: the tsx binary would relay signals through a parent process.
  const child = spawn(process.execPath, args, {
    cwd: repo,
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (!signalled && /step 2\/400/.test(stdout)) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(stderr, stdout).not.toMatch(/error|failed/i);
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  const match = /stopped by signal after update step (\d+)/.exec(stdout);
  expect(match).not.toBeNull();
  const step = Number(match?.[1]);
  expect(step).toBeGreaterThanOrEqual(2);
  expect(step).toBeLessThan(400);
  const checkpoint = join(saveDir, 'checkpoints', `model_${step}`);
  expect(JSON.parse(readFileSync(join(checkpoint, 'training_state.json'), 'utf8')).updateStep).toBe(
    step,
  );
  expect(existsSync(join(checkpoint, 'model.safetensors'))).toBe(true);
});
