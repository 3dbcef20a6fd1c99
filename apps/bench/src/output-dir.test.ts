// relora-bench's output directory: refusals in one line before anything runs, other files untouched.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_OUTPUT_FILES, outputDirRefusal, writeOutputFiles } from './output-dir';

const root = mkdtempSync(join(tmpdir(), 'relora-bench-out-'));
const contents = (text: string) =>
  Object.fromEntries(BENCH_OUTPUT_FILES.map((name) => [name, `${name} ${text}`])) as Record<
    (typeof BENCH_OUTPUT_FILES)[number],
    string
  >;

describe('outputDirRefusal', () => {
  it('accepts a new directory, an empty one, and one of other files', () => {
    expect(outputDirRefusal(join(root, 'new', 'nested'), false)).toBeUndefined();
    mkdirSync(join(root, 'empty'));
    expect(outputDirRefusal(join(root, 'empty'), false)).toBeUndefined();
    mkdirSync(join(root, 'others'));
    writeFileSync(join(root, 'others', 'notes.txt'), 'mine');
    expect(outputDirRefusal(join(root, 'others'), false)).toBeUndefined();
  });

  it('refuses earlier results unless --overwrite, a file, a path under a file and an empty path', () => {
    const earlier = join(root, 'earlier');
    writeOutputFiles(earlier, contents('old'));
    expect(outputDirRefusal(earlier, false)).toBe(
      `--out-dir: ${earlier} holds the results of an earlier run (${BENCH_OUTPUT_FILES.join(', ')}); pass --overwrite to replace them, or choose another --out-dir`,
    );
    expect(outputDirRefusal(earlier, true)).toBeUndefined();
    const file = join(root, 'a-file');
    writeFileSync(file, 'mine');
    expect(outputDirRefusal(file, true)).toBe(`--out-dir: ${file} is a file, not a directory`);
    expect(outputDirRefusal(join(file, 'out'), false)).toBe(
      `--out-dir: cannot create ${join(file, 'out')}: ${file} is a file, not a directory`,
    );
    expect(outputDirRefusal('', false)).toMatch(/^--out-dir: expected a directory path/);
  });
});

describe('writeOutputFiles', () => {
  it('replaces only its own files and leaves no temporary file', () => {
    const dir = join(root, 'replace');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeOutputFiles(dir, contents('old'));
    writeOutputFiles(dir, contents('new'));
    expect(readdirSync(dir).sort()).toEqual([...BENCH_OUTPUT_FILES, 'notes.txt'].sort());
    expect(readFileSync(join(dir, 'bench-results.json'), 'utf8')).toBe('bench-results.json new');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
