// Tests of the seeded split by document and of reading a split's runs.
import { describe, expect, it } from 'vitest';
import { createByteTokenizer } from './byte-tokenizer';
import { splitDocuments } from './document-split';
import { tokenizeTexts } from './token-store';

const tokenizer = createByteTokenizer();
const texts = Array.from({ length: 50 }, (_, d) => `doc${d}`);
const store = tokenizeTexts(texts, tokenizer);

/** Every token of a split, decoded, one document per entry. */
function documentsOf(runs: ReturnType<typeof splitDocuments>['train']): string[] {
  const out = new Int32Array(runs.length);
  runs.read(0, runs.length, out, 0);
  return tokenizer
    .decode(out.map((id) => (id === tokenizer.eosId ? 10 : id)))
    .split('\n')
    .slice(0, -1);
}

describe('splitDocuments', () => {
  it('puts each whole document in exactly one split, in corpus order', () => {
    const { train, validation } = splitDocuments(store, { validationFraction: 0.2, seed: 1 });
    const a = documentsOf(train);
    const b = documentsOf(validation);
    expect([...a, ...b].sort()).toEqual([...texts].sort());
    expect(a.length).toBe(train.numDocuments);
    expect(b.length).toBeGreaterThan(3);
    expect(b.length).toBeLessThan(20);
    expect(a).toEqual(texts.filter((t) => a.includes(t)));
  });

  it('reads across run boundaries from any offset', () => {
    const { train } = splitDocuments(store, { validationFraction: 0.3, seed: 2 });
    const all = new Int32Array(train.length);
    train.read(0, train.length, all, 0);
    const part = new Int32Array(37);
    train.read(11, 37, part, 0);
    expect(part).toEqual(all.subarray(11, 48));
  });

  it('is fixed by the seed, and holds out one document even for a tiny fraction', () => {
    const split = (seed: number) =>
      documentsOf(splitDocuments(store, { validationFraction: 0.2, seed }).validation);
    expect(split(1)).toEqual(split(1));
    expect(split(1)).not.toEqual(split(2));
    expect(
      splitDocuments(store, { validationFraction: 1e-9, seed: 0 }).validation.numDocuments,
    ).toBe(1);
    expect(() => splitDocuments(store, { validationFraction: 1, seed: 0 })).toThrow(
      /validationFraction must be in \[0, 1\)/,
    );
  });
});
