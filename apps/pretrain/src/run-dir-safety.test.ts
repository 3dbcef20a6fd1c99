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
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsFile,
  type SafetensorsTensor,
} from '@relora/llama';
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

function editState(
  dir: string,
  edit: (state: Record<string, unknown>) => void,
  checkpoint = 'model_2',
): void {
  const path = join(dir, 'checkpoints', checkpoint, 'training_state.json');
  const state = JSON.parse(readFileSync(path, 'utf8'));
  edit(state);
  writeFileSync(path, JSON.stringify(state));
}

/**
 * Edits model_2's optimizer.safetensors and records the new file's hash, so that the check of its
 * contents, not of its hash, is the one that refuses it.
 */
function rewriteOptimizer(dir: string, edit: (file: SafetensorsFile) => void): void {
  const checkpoint = join(dir, 'checkpoints', 'model_2');
  const path = join(checkpoint, 'optimizer.safetensors');
  const file = decodeSafetensors(new Uint8Array(readFileSync(path)));
  edit(file);
  const bytes = encodeSafetensors(file.tensors, file.metadata);
  writeFileSync(path, bytes);
  editState(dir, (state) => {
    (state.files as Record<string, string>)['optimizer.safetensors'] = createHash('sha256')
      .update(bytes)
      .digest('hex');
  });
}

/** Cuts a checkpoint's model.safetensors to half its length, as a full disk or a bad copy would. */
function truncateModel(checkpoint: string): void {
  const path = join(checkpoint, 'model.safetensors');
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
}

/** The losses of a run directory's metrics.jsonl by update step. */
const losses = (dir: string) =>
  jsonl(join(dir, 'metrics.jsonl')).map((m) => [m.update_step, m.loss]);

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
        rewriteOptimizer(dir, (file) => {
          const meta = JSON.parse(file.metadata.relora_adamw as string);
          meta.options.beta1 = '0.9';
          file.metadata.relora_adamw = JSON.stringify(meta);
        });
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_2')] };
      },
      /optimizer.safetensors: relora_adamw metadata: options.beta1 must be a finite number/,
    ],
    [
      'an optimizer moment stored as I32',
      () => {
        const dir = copyOfBase();
        rewriteOptimizer(dir, (file) => {
          const [key, t] = [...file.tensors][0] as [string, SafetensorsTensor];
          file.tensors.set(key, { ...t, dtype: 'I32' });
        });
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_2')] };
      },
      /optimizer.safetensors: .* is I32, not F32$/,
    ],
    [
      'an optimizer moment of a transposed shape',
      () => {
        const dir = copyOfBase();
        rewriteOptimizer(dir, (file) => {
          const [key, t] = [...file.tensors].find(
            ([, t]) => t.shape.length === 2 && t.shape[0] !== t.shape[1],
          ) as [string, SafetensorsTensor];
          file.tensors.set(key, { ...t, shape: [...t.shape].reverse() });
        });
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_2')] };
      },
      /optimizer.safetensors: relora_adamw metadata: .* has shape \[\d+,\d+\], the slot \[\d+,\d+\]$/,
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
      'a truncated model.safetensors in a LoRA-phase checkpoint',
      () => {
        const dir = copyOfBase();
        truncateModel(join(dir, 'checkpoints', 'model_4'));
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_4')] };
      },
      /^relora-pretrain: error: --resume-from: .*model_4\/model.safetensors: SHA-256 [0-9a-f]{64} differs/,
    ],
    [
      'a truncated model.safetensors in a LoRA-phase checkpoint without hashes',
      () => {
        const dir = copyOfBase();
        truncateModel(join(dir, 'checkpoints', 'model_4'));
        editState(dir, (s) => delete s.files, 'model_4');
        return { dir, argv: ['--resume_from', join(dir, 'checkpoints', 'model_4')] };
      },
      /^relora-pretrain: error: --resume-from: .*model_4\/model.safetensors: /,
    ],
    [
      '--autoresume where every checkpoint is damaged',
      () => {
        const dir = copyOfBase();
        truncateModel(join(dir, 'checkpoints', 'model_4'));
        truncateModel(join(dir, 'checkpoints', 'model_2'));
        return { dir, argv: ['--save_dir', dir, '--autoresume'] };
      },
      /^relora-pretrain: error: --autoresume: no checkpoint in .*checkpoints can be resumed: .*model_4\/model.safetensors: SHA-256 .*; .*model_2\/model.safetensors: SHA-256 /,
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

  it('--autoresume passes over a damaged newest checkpoint, sets it aside and says so in one line', async () => {
    const dir = copyOfBase();
    const damaged = join(dir, 'checkpoints', 'model_4');
    expect(JSON.parse(readFileSync(join(damaged, 'training_state.json'), 'utf8')).phase).toBe(
      'lora',
    );
    truncateModel(damaged);
    const before = snapshot(damaged);
    const result = await cli([...RUN, '--save_dir', dir, '--autoresume']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const notes = result.out.split('\n').filter((l) => l.startsWith('--autoresume:'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^--autoresume: model_4 is damaged \(.*model_4\/model.safetensors: SHA-256 .*\); set aside as model_4.damaged; resuming from model_2$/,
    );
    expect(snapshot(`${damaged}.damaged`)).toEqual(before);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual([
      'model_2',
      'model_4',
      'model_4.damaged',
    ]);
    expect(losses(dir)).toEqual(losses(base));
    expect(jsonl(join(dir, 'eval.jsonl'))).toEqual(jsonl(join(base, 'eval.jsonl')));
    // the checkpoint written again is whole
    const again = await cli([...RUN, '--resume_from', damaged]);
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
  });

  it('--autoresume after an interrupted resume from an earlier checkpoint resumes where the logs end', async () => {
    const dir = copyOfBase();
    // a resume from model_2 killed after logging step 3: model_4 is of the run before it
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n');
    writeFileSync(join(dir, 'metrics.jsonl'), `${metrics.slice(0, 3).join('\n')}\n`);
    const evals = jsonl(join(dir, 'eval.jsonl')).filter((e) => (e.update_step as number) <= 2);
    writeFileSync(join(dir, 'eval.jsonl'), evals.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const result = await cli([...RUN, '--save_dir', dir, '--autoresume']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      "--autoresume: model_4, past metrics.jsonl's last step 3, left by an interrupted resume from an earlier checkpoint, will be rewritten; resuming from model_2",
    );
    expect(losses(dir)).toEqual(losses(base));
    expect(jsonl(join(dir, 'eval.jsonl'))).toEqual(jsonl(join(base, 'eval.jsonl')));
  });

  it('a run whose weights stop being finite fails in one line naming the last good checkpoint', async () => {
    const dir = join(root, `case-${fresh++}`);
    const diverging = ['--lr', '1e30', '--clip_grad_norm', '0', '--warmup_steps', '1'];
    const result = await cli([...RUN, ...diverging, '--save_dir', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `relora-pretrain: validation loss is NaN at update step 4: the weights are no longer finite, so no checkpoint of this step was saved; the last good state is ${join(dir, 'checkpoints', 'model_2')} (continue from it with --resume-from and a lower --lr or --clip-grad-norm)`,
    );
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['model_2']);
    // before any checkpoint, it says that none was saved
    const early = join(root, `case-${fresh++}`);
    const none = await cli([
      ...RUN,
      ...diverging,
      ...['--warm_start_steps', '0', '--num_training_steps', '8', '--save_every', '4'],
      ...['--eval_every', '4', '--save_dir', early],
    ]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(
      /^relora-pretrain: training loss is NaN at update step \d: stopped without applying that update; no checkpoint was saved before it \(try a lower --lr or --clip-grad-norm\)$/,
    );
  });
});
