// Tests of openDataLoaders over Brown, JSONL and shards.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createByteTokenizer } from '../byte-tokenizer';
import { openDataLoaders } from './data-loaders';
import { openSource } from './open-source';
import { pretokenize } from './pretokenize';

const tokenizer = createByteTokenizer();

describe('openDataLoaders', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('serves the Brown corpus with the byte tokenizer from memory', async () => {
    const loaders = await openDataLoaders({
      source: { kind: 'brown' },
      tokenizer,
      batchSize: 4,
      seqLen: 64,
      seed: 0,
    });
    expect(loaders.store.numDocuments).toBe(500);
    expect(loaders.store.numTokens).toBeGreaterThan(5_500_000);
    expect(loaders.validation.tokens / loaders.store.numTokens).toBeGreaterThan(0.02);
    expect(loaders.validation.tokens / loaders.store.numTokens).toBeLessThan(0.1);
    const before = tf.memory().numTensors;
    const { inputIds, targets } = loaders.train.next();
    expect(inputIds.shape).toEqual([4, 64]);
    const text = tokenizer.decode(inputIds.dataSync());
    expect(text).toMatch(/[a-z]+ [a-z]+/);
    tf.dispose([inputIds, targets]);
    expect(tf.memory().numTensors).toBe(before);
    loaders.close();
  });

  it('serves pretokenized shards and JSONL files the same way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relora-data-loaders-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const lines = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ text: `Line ${i} says ${'words '.repeat(i % 9)}` }),
    );
    await writeFile(join(dir, 'c4.jsonl'), `${lines.join('\n')}\n`);
    const options = { batchSize: 2, seqLen: 8, seed: 1, validationFraction: 0.1 };
    const jsonl = await openDataLoaders({
      ...options,
      tokenizer,
      source: { kind: 'jsonl', path: join(dir, 'c4.jsonl') },
    });
    const source = await openSource({ kind: 'jsonl', path: join(dir, 'c4.jsonl') });
    await pretokenize({ source, tokenizer, outDir: join(dir, 'shards'), shardTokens: 200 });
    const shards = await openDataLoaders({
      ...options,
      tokenizer,
      source: { kind: 'shards', dir: join(dir, 'shards') },
    });
    for (let i = 0; i < 5; i++) expect(shards.train.nextArrays()).toEqual(jsonl.train.nextArrays());
    expect(shards.validation.nextArrays()).toEqual(jsonl.validation.nextArrays());
    shards.close();
  });
});
