// Tests of packed batches: shapes, shift, split, per-epoch shuffle, cursor resume, fixed validation.
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createByteTokenizer } from './byte-tokenizer';
import { createLoaders } from './create-loaders';
import { tokenizeTexts } from './token-store';

const tokenizer = createByteTokenizer();
/** 40 documents of different lengths, each recognisable by its letter. */
const texts = Array.from({ length: 40 }, (_, d) =>
  `${String.fromCharCode(65 + (d % 26))}${d} `.repeat(5 + (d % 7)),
);
const store = tokenizeTexts(texts, tokenizer);
const options = { batchSize: 4, seqLen: 8, seed: 3, validationFraction: 0.2 };

describe('BatchLoader', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('yields int32 [batch, seqLen] windows of the joined documents, targets shifted by one', () => {
    const { train } = createLoaders(store, options);
    const { inputIds, targets } = train.next();
    expect(inputIds.shape).toEqual([4, 8]);
    expect(inputIds.dtype).toBe('int32');
    expect(targets.dtype).toBe('int32');
    const x = inputIds.arraySync();
    const y = targets.arraySync();
    for (let b = 0; b < 4; b++) expect(x[b]?.slice(1)).toEqual(y[b]?.slice(0, 7));
    tf.dispose([inputIds, targets]);
  });

  it('packs each document followed by EOS', () => {
    const { validation } = createLoaders(store, { ...options, batchSize: 1, seqLen: 100 });
    const { inputIds } = validation.nextArrays();
    const text = tokenizer.decode(inputIds.subarray(0, inputIds.indexOf(tokenizer.eosId)));
    expect(texts).toContain(text);
  });

  it('splits by document, deterministically by seed', () => {
    const a = createLoaders(store, options);
    const b = createLoaders(store, options);
    const c = createLoaders(store, { ...options, seed: 4 });
    expect(a.train.tokens + a.validation.tokens).toBe(store.numTokens);
    expect(b.validation.tokens).toBe(a.validation.tokens);
    expect(a.validation.tokens).toBeGreaterThan(0);
    expect(Array.from(c.train.nextArrays().inputIds)).not.toEqual(
      Array.from(a.train.nextArrays().inputIds),
    );
  });

  it('shuffles differently each epoch and covers every window once per epoch', () => {
    const { train } = createLoaders(store, { ...options, batchSize: 1 });
    const epoch = (n: number) =>
      Array.from({ length: n }, () => Array.from(train.nextArrays().inputIds).join());
    const first = epoch(train.batchesPerEpoch);
    const second = epoch(train.batchesPerEpoch);
    expect(new Set(first).size).toBe(new Set(second).size);
    expect([...first].sort()).toEqual([...second].sort());
    expect(first).not.toEqual(second);
  });

  it('resumes from a serialised cursor with exactly the batches the original would have given', () => {
    const original = createLoaders(store, options).train;
    for (let i = 0; i < original.batchesPerEpoch + 2; i++) original.nextArrays();
    const saved = JSON.parse(JSON.stringify(original.cursor()));
    const expected = Array.from(
      { length: 2 * original.batchesPerEpoch },
      () => original.nextArrays().inputIds,
    );
    const restored = createLoaders(store, options).train;
    restored.restore(saved);
    const actual = Array.from({ length: expected.length }, () => restored.nextArrays().inputIds);
    expect(actual).toEqual(expected);
  });

  it('refuses a cursor from other data or settings', () => {
    const cursor = createLoaders(store, options).train.cursor();
    expect(() => createLoaders(store, { ...options, seqLen: 9 }).train.restore(cursor)).toThrow(
      /seqLen/,
    );
    expect(() => createLoaders(store, { ...options, seed: 9 }).train.restore(cursor)).toThrow(
      /seed/,
    );
    const other = tokenizeTexts(texts.slice(1), tokenizer);
    expect(() => createLoaders(other, options).train.restore(cursor)).toThrow(
      /cannot restore train split/,
    );
  });

  it('gives the same fixed validation batches every time, without leaking tensors', () => {
    const { validation } = createLoaders(store, options);
    const before = tf.memory().numTensors;
    const read = () =>
      Array.from(validation.fixedBatches(64), (batch) => {
        const ids = batch.inputIds.arraySync();
        tf.dispose([batch.inputIds, batch.targets]);
        return ids;
      });
    const first = read();
    validation.next();
    expect(read()).toEqual(first);
    expect(first).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(() => [...validation.fixedBatches(1e6)]).toThrow(/fewer than the 1000000 asked for/);
  });

  it('explains a split too small for one batch', () => {
    expect(() => createLoaders(store, { ...options, seqLen: 4096 })).toThrow(
      /fewer than batchSize 4/,
    );
  });
});
