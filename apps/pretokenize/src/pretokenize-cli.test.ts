// Tests of the relora-pretokenize command.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
// The fixture stays beside @relora/data's tokenizer tests: test code, not part of the package.
import { byteBpeTokenizerJson } from '../../../packages/data/src/hf-tokenizer.test-support';
import { runPretokenizeCli } from './pretokenize-cli';

async function run(argv: string[]) {
  const out: string[] = [];
  const code = await runPretokenizeCli(
    argv,
    (line) => out.push(line),
    (line) => out.push(line),
  );
  return { code, out: out.join('\n') };
}

describe('relora-pretokenize', () => {
  it('pretokenizes JSONL with a local tokenizer.json, skipping bad lines when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relora-data-cli-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(byteBpeTokenizerJson()));
    await writeFile(join(dir, 'data.jsonl'), '{"body":"the jury"}\nnot json\n{"body":"the end"}\n');
    const args = [
      join(dir, 'data.jsonl'),
      '--out',
      join(dir, 'shards'),
      '--tokenizer',
      join(dir, 'tokenizer.json'),
      '--text-field',
      'body',
    ];
    const failed = await run(args);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain(`${join(dir, 'data.jsonl')}:2: not valid JSON`);
    const ok = await run([...args, '--skip-bad-lines']);
    expect(ok.out).toMatch(
      /wrote .*shards: 1 shards, 2 documents, \d+ tokens \(uint16, tokenizer hf:BPE\), 1 bad lines skipped/,
    );
    expect(ok.code).toBe(0);
    const index = JSON.parse(await readFile(join(dir, 'shards/index.json'), 'utf8'));
    expect(index.tokenizer.name).toBe('hf:BPE');
    const again = await run([...args, '--skip-bad-lines']);
    expect(again.code).toBe(2);
    expect(again.out).toMatch(
      /already exists and is not empty; pass overwrite: true \(CLI --overwrite\)/,
    );
  });

  it('prints usage for missing arguments', async () => {
    const { code, out } = await run(['brown']);
    expect(code).toBe(2);
    expect(out).toContain('usage: relora-pretokenize <input> --out <dir>');
  });
});
