// Tests of pretokenized shards: deterministic bytes, read-back, and every bad input.
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createByteTokenizer } from '../byte-tokenizer';
import { createLoaders } from '../create-loaders';
import type { SourceDocument } from '../document-source';
import { createHfTokenizer } from '../hf-tokenizer';
import { wordLevelTokenizerJson } from '../hf-tokenizer.test-support';
import { type TokenStore, tokenizeTexts } from '../token-store';
import type { Tokenizer } from '../tokenizer';
import { JsonlSource } from './jsonl-source';
import { pretokenize } from './pretokenize';
import type { ShardIndex } from './shard-format';
import { openShards } from './shard-store';

const tokenizer = createByteTokenizer();
const texts = Array.from(
  { length: 30 },
  (_, d) => `Document ${d}: ${'lorem ipsum '.repeat(3 + (d % 5))}`,
);
const docs = (): SourceDocument[] => texts.map((text, d) => ({ text, origin: `doc ${d}` }));
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'relora-data-shards-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every file of a folder, name -> bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort())
    files[name] = (await readFile(join(dir, name))).toString('base64');
  return files;
}

async function writeShards(
  name: string,
  extra: { shardTokens?: number; tokenizer?: Tokenizer } = {},
) {
  const outDir = join(root, name);
  const index = await pretokenize({
    source: docs(),
    tokenizer,
    outDir,
    shardTokens: 300,
    ...extra,
  });
  return { outDir, index };
}

describe('pretokenize', () => {
  it('writes uint16 shards, an index with counts and checksums, the same bytes every time', async () => {
    const a = await writeShards('a');
    const b = await writeShards('b');
    expect(await snapshot(a.outDir)).toEqual(await snapshot(b.outDir));
    const index = JSON.parse(await readFile(join(a.outDir, 'index.json'), 'utf8')) as ShardIndex;
    expect(index).toMatchObject({
      dtype: 'uint16',
      documents: 30,
      tokenizer: tokenizer.identity(),
      eosId: 256,
    });
    expect(index.shards.length).toBeGreaterThan(2);
    expect(index.shards.every((s) => s.tokens >= 300 || s === index.shards.at(-1))).toBe(true);
    expect(index.shards[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const bytes = await readFile(join(a.outDir, 'shard-00000.bin'));
    expect(bytes.length).toBe((index.shards[0]?.tokens ?? 0) * 2);
    expect(bytes.readUInt16LE(0)).toBe('D'.charCodeAt(0));
  });

  it('uses uint32 when the vocabulary does not fit 16 bits', async () => {
    const big: Tokenizer = {
      ...tokenizer,
      vocabSize: 70_000,
      identity: () => ({ name: 'big', vocabSize: 70_000, hash: 'x' }),
    };
    const { outDir, index } = await writeShards('big', { tokenizer: big });
    expect(index.dtype).toBe('uint32');
    const store = await openShards(outDir, { tokenizer: big });
    const out = new Int32Array(3);
    store.read(0, 3, out, 0);
    expect(Array.from(out)).toEqual([68, 111, 99]); // "Doc"
    store.close();
  });

  it('reads back the same token stream, and the same batches, as tokenizing in memory', async () => {
    const { outDir } = await writeShards('c');
    const shards = await openShards(outDir, { tokenizer });
    const memory = tokenizeTexts(texts, tokenizer);
    expect(shards.numTokens).toBe(memory.numTokens);
    expect([...shards.documentRanges()]).toEqual([...memory.documentRanges()]);
    const all = (store: TokenStore) => {
      const out = new Int32Array(store.numTokens);
      store.read(0, store.numTokens, out, 0);
      return out;
    };
    expect(all(shards)).toEqual(all(memory));
    const options = { batchSize: 2, seqLen: 16, seed: 5, validationFraction: 0.2 };
    const fromShards = createLoaders(shards, options).train;
    const fromMemory = createLoaders(memory, options).train;
    for (let i = 0; i < 10; i++) expect(fromShards.nextArrays()).toEqual(fromMemory.nextArrays());
    shards.close();
  });
});

describe('pretokenize and openShards on bad input', () => {
  it('refuses to overwrite existing shards, and replaces them only with overwrite', async () => {
    const { outDir } = await writeShards('keep');
    const before = await snapshot(outDir);
    await expect(pretokenize({ source: docs().slice(0, 3), tokenizer, outDir })).rejects.toThrow(
      /already exists and is not empty; pass overwrite: true/,
    );
    expect(await snapshot(outDir)).toEqual(before);
    await pretokenize({ source: docs().slice(0, 3), tokenizer, outDir, overwrite: true });
    expect((await openShards(outDir, { tokenizer })).numDocuments).toBe(3);
  });

  it('leaves existing shards untouched when tokenizing fails part-way', async () => {
    const { outDir } = await writeShards('fail');
    const before = await snapshot(outDir);
    const broken: Tokenizer = {
      ...tokenizer,
      encode: (text) => (text.startsWith('Document 7') ? [999] : tokenizer.encode(text)),
    };
    await expect(
      pretokenize({ source: docs(), tokenizer: broken, outDir, overwrite: true, shardTokens: 100 }),
    ).rejects.toThrow('doc 7: tokenizer "byte" produced id 999, outside its vocabulary [0, 258)');
    expect(await snapshot(outDir)).toEqual(before);
    expect((await readdir(root)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('leaves existing shards untouched when a JSONL line is bad', async () => {
    const { outDir } = await writeShards('bad-jsonl');
    const before = await snapshot(outDir);
    const file = join(root, 'bad.jsonl');
    await writeFile(file, '{"text":"fine"}\n{"text": 3}\n');
    await expect(
      pretokenize({ source: new JsonlSource(file), tokenizer, outDir, overwrite: true }),
    ).rejects.toThrow(`${file}:2: field "text" is a number, not a string`);
    expect(await snapshot(outDir)).toEqual(before);
  });

  it('refuses an empty source', async () => {
    await expect(
      pretokenize({ source: [], tokenizer, outDir: join(root, 'empty') }),
    ).rejects.toThrow(/no documents/);
    expect(await readdir(root)).not.toContain('empty');
  });

  it('refuses shards made with another tokenizer', async () => {
    const { outDir } = await writeShards('mismatch');
    const other = createHfTokenizer(wordLevelTokenizerJson());
    await expect(openShards(outDir, { tokenizer: other })).rejects.toThrow(
      /was made with tokenizer "byte".*the tokenizer given is "hf:WordLevel"/,
    );
  });

  it('names a truncated shard, an altered shard and an id outside the vocabulary', async () => {
    const { outDir, index } = await writeShards('damaged');
    const first = join(outDir, 'shard-00001.bin');
    const original = await readFile(first);
    await truncate(first, original.length - 2);
    await expect(openShards(outDir, { tokenizer })).rejects.toThrow(
      /shard-00001\.bin is truncated: \d+ bytes, index\.json says \d+/,
    );
    const altered = Buffer.from(original);
    altered[4] = 120;
    await writeFile(first, altered);
    await expect(openShards(outDir, { tokenizer })).rejects.toThrow(
      /shard-00001\.bin does not match its sha256/,
    );
    // An id past the vocabulary with a matching checksum: only the id check can catch it.
    altered.writeUInt16LE(300, 4);
    await writeFile(first, altered);
    const { createHash } = await import('node:crypto');
    const shards = index.shards.map((s, i) =>
      i === 1 ? { ...s, sha256: createHash('sha256').update(altered).digest('hex') } : s,
    );
    await writeFile(join(outDir, 'index.json'), JSON.stringify({ ...index, shards }));
    await expect(openShards(outDir, { tokenizer })).rejects.toThrow(
      /holds token id 300 at token 2, outside the vocabulary \[0, 258\)/,
    );
  });

  it('names a folder with no index', async () => {
    await expect(openShards(root, { tokenizer })).rejects.toThrow(
      /no index\.json in .*written by pretokenize/,
    );
  });
});
