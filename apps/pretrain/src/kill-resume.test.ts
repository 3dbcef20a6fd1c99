// kill -9 at any point of a run, then --autoresume: the logs hold every step once with the
// uninterrupted run's values, every checkpoint reads back whole and equals that run's, and nothing
// the killed process left behind remains. The kill points inside a checkpoint write are hit
// exactly: the child's file-system call pauses there (fs-faults.test-support.ts) until killed.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '@relora/trainer/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { fsFault, PAUSED } from './fs-faults.test-support';
import { cli, jsonl, spawnCli, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

// 8 update steps (4 full-rank, then ReLoRA restarting every 2), a checkpoint and an evaluation
// every 2, a progress line every step.
const FLAGS =
  '--num_training_steps 8 --warm_start_steps 4 --relora 2 --restart_warmup_steps 1 --warmup_steps 1 ' +
  '--lora_r 4 --eval_every 2 --eval_tokens 64 --save_every 2 --sample_tokens 0 --log_every 1';
const root = mkdtempSync(join(tmpdir(), 'relora-kill-'));
const RUN = tinyArgs(writeTinyModelConfig(root), FLAGS);
const reference = join(root, 'reference');
const faults = fileURLToPath(new URL('./fs-faults.test-support.ts', import.meta.url));
let fresh = 0;

beforeAll(async () => {
  const result = await cli([...RUN, '--save_dir', reference]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
});

/**
 * Runs the CLI in a child process, kills it with SIGKILL once `killAt(stdout, stderr)` holds, and
 * resolves to its pid once it is gone; fails if it ended any other way.
 */
async function killed(
  argv: string[],
  killAt: (stdout: string, stderr: string) => boolean,
  fault?: string,
): Promise<number> {
  const child = spawnCli(argv, {
    tmp: root,
    preload: [faults],
    env: fault ? { RELORA_TEST_FS_FAULT: fault } : {},
  });
  let stdout = '';
  let stderr = '';
  const check = () => {
    if (child.exitCode === null && !child.killed && killAt(stdout, stderr)) child.kill('SIGKILL');
  };
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    check();
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    check();
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((done) =>
    child.on('close', (c, s) => done([c, s])),
  );
  expect(signal, `exit ${code}\n${stdout}\n${stderr}`).toBe('SIGKILL');
  return child.pid as number;
}

/** Runs the CLI in a child process to its end; its exit code and output. */
async function finished(argv: string[], fault: string) {
  const child = spawnCli(argv, {
    tmp: root,
    env: { RELORA_TEST_FS_FAULT: fault },
    preload: [faults],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}

/** Log lines without the one timing-dependent field. */
function logLines(dir: string, file: 'metrics.jsonl' | 'eval.jsonl') {
  return jsonl(join(dir, file)).map(({ throughput_tokens: _, ...rest }) => rest);
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `dir` after --autoresume: the uninterrupted run's logs and checkpoints, no debris. */
async function expectResumedWhole(dir: string): Promise<void> {
  const result = await cli([...RUN, '--save_dir', dir, '--autoresume']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  expect(logLines(dir, 'metrics.jsonl')).toEqual(logLines(reference, 'metrics.jsonl'));
  expect(logLines(dir, 'eval.jsonl')).toEqual(logLines(reference, 'eval.jsonl'));
  const checkpoints = join(dir, 'checkpoints');
  expect(readdirSync(checkpoints).sort()).toEqual(['model_2', 'model_4', 'model_6', 'model_8']);
  expect(readdirSync(dir).sort()).toEqual(readdirSync(reference).sort());
  for (const name of readdirSync(checkpoints)) {
    const state = readCheckpoint(join(checkpoints, name)).state;
    const same = JSON.parse(
      readFileSync(join(reference, 'checkpoints', name, 'training_state.json'), 'utf8'),
    );
    // every tensor file byte for byte the uninterrupted run's
    expect(state.files, name).toEqual(same.files);
    expect(sha256(join(checkpoints, name, 'config.json'))).toBe(
      sha256(join(reference, 'checkpoints', name, 'config.json')),
    );
  }
}

const newDir = () => join(root, `run-${fresh++}`);

describe('kill -9, then --autoresume', () => {
  it('during training', async () => {
    const dir = newDir();
    await killed([...RUN, '--save_dir', dir], (out) => /step 5\/8/.test(out));
    await expectResumedWhole(dir);
  });

  it.each([
    [
      "while a checkpoint's files are being written",
      fsFault('pause', 'openSync', /\.tmp-model_4-\d+\/optimizer\.safetensors$/),
    ],
    [
      'between writing a checkpoint and renaming it into place',
      fsFault('pause', 'renameSync', /\.tmp-model_4-\d+$/),
    ],
  ])('%s', async (_, fault) => {
    const dir = newDir();
    const pid = await killed([...RUN, '--save_dir', dir], (_, err) => err.includes(PAUSED), fault);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual([
      `.tmp-model_4-${pid}`,
      'model_2',
    ]);
    await expectResumedWhole(dir);
  });

  it('between the two renames of a checkpoint written again (a resume from an earlier one)', async () => {
    const dir = newDir();
    cpSync(reference, dir, { recursive: true });
    const pid = await killed(
      [...RUN, '--resume_from', join(dir, 'checkpoints', 'model_2')],
      (_, err) => err.includes(PAUSED),
      fsFault('pause', 'renameSync', /\.tmp-model_4-\d+$/),
    );
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual([
      `.tmp-model_4-${pid}`,
      'model_2',
      `model_4.old-${pid}`,
      'model_6',
      'model_8',
    ]);
    await expectResumedWhole(dir);
  });
});

describe('a full disk or a read-only file system', () => {
  it('fails the run with one line, leaves no debris, and --autoresume continues', async () => {
    const dir = newDir();
    const result = await finished(
      [...RUN, '--save_dir', dir],
      fsFault('ENOSPC', 'openSync', /\.tmp-model_4-\d+\/optimizer\.safetensors$/),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^relora-pretrain: failed: ENOSPC: .*optimizer\.safetensors' \(the disk is full\); what was saved before is intact; once fixed, continue with --autoresume\n$/,
    );
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['model_2']);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    await expectResumedWhole(dir);
  });

  it('in a resume, when the logs cannot be rewritten, leaves them as they were', async () => {
    const dir = newDir();
    cpSync(reference, dir, { recursive: true });
    const metrics = readFileSync(join(dir, 'metrics.jsonl'));
    const evals = readFileSync(join(dir, 'eval.jsonl'));
    const result = await finished(
      [...RUN, '--resume_from', join(dir, 'checkpoints', 'model_2')],
      fsFault('ENOSPC', 'writeFileSync', /metrics\.jsonl\.tmp-\d+$/),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^relora-pretrain: failed: ENOSPC: [^\n]*\n$/);
    expect(readFileSync(join(dir, 'metrics.jsonl'))).toEqual(metrics);
    expect(readFileSync(join(dir, 'eval.jsonl'))).toEqual(evals);
  });

  it('a read-only file system fails in one line before anything is written', async () => {
    const dir = newDir();
    const result = await finished(
      [...RUN, '--save_dir', dir],
      fsFault('EROFS', 'mkdirSync', /checkpoints$/),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^relora-pretrain: failed: EROFS: [^\n]*checkpoints'; [^\n]*\n$/);
    expect(existsSync(dir)).toBe(false);
  });
});
