// relora-pretokenize under hostile input (issue 19): one line naming the option or file, the
// expected exit code, no stack trace, and nothing written or changed on disk.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
// Shared with the other CLI's hostile-input test; node-only, so not in @relora/testing's index.
import { treeSnapshot } from '@relora/testing/node';
import { describe, expect, it } from 'vitest';
import { runPretokenizeCli } from './pretokenize-cli';

const root = mkdtempSync(join(tmpdir(), 'relora-pretokenize-hostile-'));
const text = join(root, 'notes.txt');
writeFileSync(text, 'a few words of text\n');
const aFile = join(root, 'a-file');
writeFileSync(aFile, 'keep me\n');
const userDir = join(root, 'user-dir');
mkdirSync(userDir);
writeFileSync(join(userDir, 'thesis.tex'), 'mine\n');
const badUtf8 = join(root, 'latin1.jsonl');
writeFileSync(
  badUtf8,
  Buffer.concat([Buffer.from('{"text":"ok"}\n'), Buffer.from('{"text":"caf\xe9"}\n', 'latin1')]),
);
/** A pid no process has: a child that has exited. */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number;
const fresh = () => join(root, `out-${Math.random().toString(36).slice(2)}`);

const snapshot = () => treeSnapshot(root);

// [arguments, exit code, message after "relora-pretokenize: "]
const CASES: Array<[string[], number, RegExp]> = [
  [[text, '--out', aFile], 2, /^--out: .*a-file exists and is not a folder; refused/],
  [[text, '--out', aFile, '--overwrite'], 2, /^--out: .*a-file exists and is not a folder/],
  [[text, '--out', userDir], 2, /^--out: .*user-dir already exists and is not empty/],
  [
    [text, '--out', userDir, '--overwrite'],
    2,
    /^--out: .*user-dir is not a shard folder \(no index\.json of relora-token-shards\); refused even with overwrite$/,
  ],
  [[text, '--out', ''], 2, /^--out: expected a folder path, got an empty string$/],
  [[text, '--out', fresh(), '--shard-tokens', '0x10'], 2, /^--shard-tokens: expected a whole/],
  [[text, '--out', fresh(), '--shard-tokens', '1e15'], 2, /^--shard-tokens: .*got "1e15"$/],
  [[text, '--out', fresh(), '--shard-tokens', '0'], 2, /^--shard-tokens: .*got "0"$/],
  [[text, '--out', fresh(), '--format', 'csv'], 2, /^--format: expected one of text, jsonl/],
  [[text, '--out', fresh(), '--split', 'words'], 2, /^--split: expected one of file, paragraph/],
  [[text, '--out', fresh(), '--text-field', ''], 2, /^--text-field: expected a field name/],
  [
    [badUtf8, '--out', fresh()],
    1,
    /^.*latin1\.jsonl:2: not valid UTF-8; fix the line or pass --skip-bad-lines$/,
  ],
];

describe('relora-pretokenize on hostile input', () => {
  it.each(CASES)('%j exits %i with one line, writing nothing', async (argv, code, message) => {
    const before = snapshot();
    const out: string[] = [];
    const err: string[] = [];
    const result = await runPretokenizeCli(
      argv,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    const line = err[0] as string;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).not.toMatch(/\bat .*:\d+:\d+/);
    expect(line.replace(/^relora-pretokenize: /, '')).toMatch(message);
    expect(result).toBe(code);
    expect(snapshot()).toEqual(before);
    expect(readFileSync(aFile, 'utf8')).toBe('keep me\n');
  });

  it('still replaces a shard folder it wrote with --overwrite', async () => {
    const dir = fresh();
    const quiet = () => {};
    expect(await runPretokenizeCli([text, '--out', dir], quiet, quiet)).toBe(0);
    expect(await runPretokenizeCli([text, '--out', dir, '--overwrite'], quiet, quiet)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).documents).toBe(1);
  });

  it('puts back the shard folder a killed --overwrite had moved aside, and removes its temporary folder', async () => {
    const dir = fresh();
    const quiet = () => {};
    expect(await runPretokenizeCli([text, '--out', dir], quiet, quiet)).toBe(0);
    const shards = treeSnapshot(dir);
    // killed between its two renames: the shards moved aside, the new ones not yet in place
    const temp = join(root, `.${basename(dir)}.tmp-${deadPid}-1`);
    renameSync(dir, `${temp}.old`);
    mkdirSync(temp);
    writeFileSync(join(temp, 'shard-00000.bin'), 'partial');
    const err: string[] = [];
    expect(await runPretokenizeCli([text, '--out', dir], quiet, (l) => err.push(l))).toBe(1);
    expect(err).toEqual([
      `relora-pretokenize: ${dir} already exists and is not empty; pass overwrite: true (CLI --overwrite) to replace it`,
    ]);
    expect(treeSnapshot(dir)).toEqual(shards);
    expect(readdirSync(root).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
