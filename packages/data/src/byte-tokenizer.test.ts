// Tests of the byte-level tokenizer: round trips, specials, identity.
import { describe, expect, it } from 'vitest';
import { BYTE_TOKENIZER_IDS, createByteTokenizer } from './byte-tokenizer';

describe('createByteTokenizer', () => {
  const tokenizer = createByteTokenizer();

  it('round-trips any text through UTF-8 bytes', () => {
    for (const text of ['Hello, world.', '', 'naïve café — 東京 🙂', 'tabs\tand\nnewlines']) {
      const ids = tokenizer.encode(text);
      expect(ids.every((id) => id >= 0 && id < 256)).toBe(true);
      expect(tokenizer.decode(ids)).toBe(text);
    }
    expect(tokenizer.encode('é')).toEqual([0xc3, 0xa9]);
  });

  it('has eos and pad after the bytes, decoded as nothing', () => {
    expect(tokenizer.vocabSize).toBe(258);
    expect(tokenizer.eosId).toBe(BYTE_TOKENIZER_IDS.eos);
    expect(tokenizer.padId).toBe(BYTE_TOKENIZER_IDS.pad);
    expect(tokenizer.decode([104, 105, 256, 257, 33])).toBe('hi!');
  });

  it('has a stable identity', () => {
    expect(createByteTokenizer().identity()).toEqual(tokenizer.identity());
    expect(tokenizer.identity()).toMatchObject({ name: 'byte', vocabSize: 258 });
    expect(tokenizer.identity().hash).toMatch(/^[0-9a-f]{16}$/);
  });
});
