// A run directory belongs to one run: hostile inputs to relora-pretrain, each with its exit code and
// message, and every file a user already had byte-identical afterwards unless the run owns it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@relora/llama';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonl, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

// 4 update steps, a checkpoint and an evaluation every 2: about a second a run.
const FLAGS =
  '--num_training_steps 4 --warm_start_steps 2 --relora 2 --restart_warmup_steps 1 --warmup_steps 1 ' +
  '--lora_r 4 --eval_every 2 --eval_tokens 64 --save_every 2 --sample_tokens 0';
const root = mkdtempSync(join(tmpdir(), 'relora-run-dir-'));
const RUN = tinyArgs(writeTinyModelConfig(root), FLAGS);
const base = join(root, 'base');
let fresh = 0;

/** A pid no process has: a child that has exited. */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number;

/** Every file under `dir` by relative path, with a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** A copy of the finished base run. */
function copyOfBase(): string {
  const dir = join(root, `case-${fresh++}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

function editState(dir: string, edit: (state: Record<string, unknown>) => void): void {
  const path = join(dir, 'checkpoints', 'model_2', 'training_state.json');
  const state = JSON.parse(readFileSync(path, 'utf8'));
  edit(state);
  writeFileSync(path, JSON.stringify(state));
}

beforeAll(async () => {
  const result = await cli([...RUN, '--save_dir', base]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
});

describe('relora-pretrain refuses, changing nothing', () => {
  const cases: Array<[string, () => { dir: string; argv: string[] }, RegExp]> = [
    [
      'a new run in a finished run directory',
      () => {
        const dir = copyOfBase();
        return { dir, argv: ['--save_dir', dir] };
      },
      /--save-dir: .* is not empty \(.*\); continue its run with --autoresume/,
    ],
    [
      "a new run in a directory of the user's own config.json and metrics.jsonl",
      () => {
        const dir = join(root, `case-${fresh++}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'config.json'), '{"mine": true}\n');
        writeFileSync(join(dir, 'metrics.jsonl'), '{"update_step": 1}\n');
        return { dir, argv: ['--save_dir', dir, '--keep_checkpoints', '1'] };
      },
      /--save-dir: .* is not empty/,
    ],
    [
      '--save_dir naming a file',
      () => {
        const dir = join(root, `case-${fresh++}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'file'), 'mine');
        return { dir, argv: ['--save_dir', join(dir, 'file')] };
      },
      /--save-dir: .*file is a file, not a directory/,
    ],
    [
      '--resume-from with another --save-dir',
      () => {
        const dir = copyOfBase();
        const other = join(dir, 'elsewhere');
        return {
          dir,
          argv: ['--resume_from', join(dir, 'checkpoints', 'model_2'), '--save_dir', other],
        };
      },
      /--save-dir: .*elsewhere is not the run directory of --resume-from/,
    ],
    ...(
      [
        [
          'a negative updateStep',
          (s) => Object.assign(s, { updateStep: -1 }),
          /updateStep must be an integer >= 0, got -1/,
        ],
        [
          'updateStep beyond the run',
          (s) => Object.assign(s, { updateStep: 1000 }),
          /updateStep 1000 is beyond num_training_steps 4/,
        ],
        [
          'a string counter',
          (s) => Object.assign(s, { tokensSeen: '64' }),
          /tokensSeen must be an integer >= 0, got "64"/,
        ],
        [
          'an unknown phase',
          (s) => Object.assign(s, { phase: 'warm' }),
          /phase must be "full" or "lora"/,
        ],
      ] as Array<[string, (s: Record<string, unknown>) => void, RegExp]>
    ).map(([what, edit, message]): [string, () => { dir: string; argv: string[] }, RegExp] => [
      `a training_state.json with ${what}`,
      () => {
        const dir = copyOfBase();
        editState(dir, edit);
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_2')] };
      },
      message,
    ]),
    [
      'optimizer metadata of the wrong type',
      () => {
        const dir = copyOfBase();
        const path = join(dir, 'checkpoints', 'model_2', 'optimizer.safetensors');
        const file = decodeSafetensors(new Uint8Array(readFileSync(path)));
        const meta = JSON.parse(file.metadata.relora_adamw as string);
        meta.options.beta1 = '0.9';
        const bytes = encodeSafetensors(file.tensors, { relora_adamw: JSON.stringify(meta) });
        writeFileSync(path, bytes);
        // its recorded hash updated too, so that the metadata check is the one that refuses
        const statePath = join(dir, 'checkpoints', 'model_2', 'training_state.json');
        const state = JSON.parse(readFileSync(statePath, 'utf8'));
        state.files['optimizer.safetensors'] = createHash('sha256').update(bytes).digest('hex');
        writeFileSync(statePath, JSON.stringify(state));
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_2')] };
      },
      /optimizer.safetensors: relora_adamw metadata: options.beta1 must be a finite number/,
    ],
    [
      'a flipped bit in a checkpoint tensor file',
      () => {
        const dir = copyOfBase();
        const path = join(dir, 'checkpoints', 'model_2', 'optimizer.safetensors');
        const bytes = readFileSync(path);
        const at = bytes.length - 3;
        bytes[at] = (bytes[at] as number) ^ 1;
        writeFileSync(path, bytes);
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_2')] };
      },
      /optimizer.safetensors: SHA-256 [0-9a-f]{64} differs from [0-9a-f]{64} in training_state.json/,
    ],
    [
      'a resume with another --lora_r',
      () => {
        const dir = copyOfBase();
        return {
          dir,
          argv: ['--resume_from', join(dir, 'checkpoints', 'model_2'), '--lora_r', '8'],
        };
      },
      /loraR = 4/,
    ],
    [
      'a directory locked by a running process',
      () => {
        const dir = copyOfBase();
        writeFileSync(join(dir, '.lock'), `${process.pid}\n`);
        return { dir, argv: ['--save_dir', dir, '--autoresume'] };
      },
      new RegExp(`--save-dir: .* is in use by process ${process.pid}`),
    ],
  ];

  it.each(cases)('%s: exit 2, one line', async (_, setup, message) => {
    const { dir, argv } = setup();
    const before = snapshot(dir);
    const baseBefore = snapshot(base);
    const result = await cli([...RUN, ...argv]);
    expect(result.err).toMatch(message);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
    expect(snapshot(base)).toEqual(baseBefore);
  });
});

describe('relora-pretrain keeps a run directory to one run', () => {
  it('resumes a copied run into the copy, not into the directory its config.json names', async () => {
    const copy = copyOfBase();
    const baseBefore = snapshot(base);
    const result = await cli([
      '--config',
      join(copy, 'config.json'),
      '--resume_from',
      join(copy, 'checkpoints', 'model_2'),
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(snapshot(base)).toEqual(baseBefore);
    expect(jsonl(join(copy, 'metrics.jsonl')).map((m) => m.update_step)).toEqual([1, 2, 3, 4]);
    expect(existsSync(join(copy, '.lock'))).toBe(false);
  });

  it("--overwrite replaces the run's own files only, and never prunes the old run's checkpoints", async () => {
    const dir = copyOfBase();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    // a checkpoint of the old run that this one does not write
    cpSync(join(dir, 'checkpoints', 'model_4'), join(dir, 'checkpoints', 'model_100'), {
      recursive: true,
    });
    const before = snapshot(dir);
    const result = await cli([...RUN, '--save_dir', dir, '--overwrite', '--keep_checkpoints', '1']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const after = snapshot(dir);
    for (const [path, hash] of Object.entries(before))
      if (path === 'notes.txt' || path.startsWith('checkpoints/model_100/'))
        expect(after[path], path).toBe(hash);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['model_100', 'model_4']);
    expect(jsonl(join(dir, 'metrics.jsonl')).map((m) => m.update_step)).toEqual([1, 2, 3, 4]);
    expect(jsonl(join(dir, 'eval.jsonl')).map((e) => e.update_step)).toEqual([0, 2, 4]);
  });

  it('--autoresume without a checkpoint starts afresh, replacing the logs', async () => {
    const dir = copyOfBase();
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    const result = await cli([...RUN, '--save_dir', dir, '--autoresume']);
    expect(result.code).toBe(0);
    expect(jsonl(join(dir, 'metrics.jsonl')).map((m) => m.update_step)).toEqual([1, 2, 3, 4]);
    expect(jsonl(join(dir, 'eval.jsonl')).map((e) => e.update_step)).toEqual([0, 2, 4]);
  });

  it('resuming from the final checkpoint logs no second evaluation of it', async () => {
    const dir = copyOfBase();
    const result = await cli([...RUN, '--resume_from', join(dir, 'checkpoints', 'model_4')]);
    expect(result.code).toBe(0);
    expect(jsonl(join(dir, 'eval.jsonl')).map((e) => e.update_step)).toEqual([0, 2, 4]);
    expect(jsonl(join(dir, 'metrics.jsonl')).map((m) => m.update_step)).toEqual([1, 2, 3, 4]);
  });

  it("cleans a dead process's checkpoint debris and takes over its lock", async () => {
    const dir = copyOfBase();
    const checkpoints = join(dir, 'checkpoints');
    cpSync(join(checkpoints, 'model_2'), join(checkpoints, `.tmp-model_4-${deadPid}`), {
      recursive: true,
    });
    cpSync(join(checkpoints, 'model_2'), join(checkpoints, `model_2.old-${deadPid}`), {
      recursive: true,
    });
    // killed between the renames: the old checkpoint is put back
    renameSync(join(checkpoints, 'model_4'), join(checkpoints, `model_4.old-${deadPid}`));
    writeFileSync(join(dir, '.lock'), `${deadPid}\n`);
    const result = await cli([...RUN, '--save_dir', dir, '--autoresume']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(checkpoints).sort()).toEqual(['model_2', 'model_4']);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    expect(jsonl(join(dir, 'metrics.jsonl')).map((m) => m.update_step)).toEqual([1, 2, 3, 4]);
  });
});
