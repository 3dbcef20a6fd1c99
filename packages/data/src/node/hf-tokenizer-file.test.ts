// Tests of loading a tokenizer.json from disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { wordLevelTokenizerJson } from '../hf-tokenizer.test-support';
import { loadHfTokenizer } from './hf-tokenizer-file';
import { resolveTokenizer } from './resolve-tokenizer';

describe('loadHfTokenizer', () => {
  it('loads tokenizer.json and the specials of tokenizer_config.json from a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relora-data-hf-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelTokenizerJson()));
    await writeFile(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ eos_token: '</s>', pad_token: '<unk>' }),
    );
    const tokenizer = await loadHfTokenizer(dir);
    expect(tokenizer.decode(tokenizer.encode('the jury said it'))).toBe('the jury said it');
    expect([tokenizer.eosId, tokenizer.padId]).toEqual([1, 0]);
    expect((await resolveTokenizer(join(dir, 'tokenizer.json'))).identity()).toEqual(
      tokenizer.identity(),
    );
  });

  it('names a missing or broken file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relora-data-hf-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await expect(loadHfTokenizer(join(dir, 'nope.json'))).rejects.toThrow(
      /tokenizer not found: .*nope\.json/,
    );
    await writeFile(join(dir, 'tokenizer.json'), '{ broken');
    await expect(loadHfTokenizer(dir)).rejects.toThrow(/tokenizer\.json is not valid JSON/);
  });
});
