// Tests of Hugging Face tokenizer.json support with tiny generated tokenizers.
import { describe, expect, it } from 'vitest';
import { createHfTokenizer } from './hf-tokenizer';
import { byteBpeTokenizerJson, wordLevelTokenizerJson } from './hf-tokenizer.test-support';

describe('createHfTokenizer', () => {
  it('round-trips text through a byte-level BPE tokenizer.json', () => {
    const tokenizer = createHfTokenizer(byteBpeTokenizerJson());
    expect(tokenizer.vocabSize).toBe(264);
    expect(tokenizer.eosId).toBe(263);
    const ids = tokenizer.encode('the jury');
    expect(ids).toEqual([257, 32, 262]); // "the", "Ġ" (byte 32), "jury": the merges applied
    for (const text of ['the jury said: "ok"', 'naïve 東京 🙂\n x']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
    expect(tokenizer.decode([...ids, tokenizer.eosId])).toBe('the jury');
  });

  it('round-trips words through a WordLevel tokenizer.json, specials from the config', () => {
    const tokenizer = createHfTokenizer(wordLevelTokenizerJson(), {
      config: { eos_token: '</s>', pad_token: { content: '<unk>' } },
    });
    expect(tokenizer.encode('the jury said it .')).toEqual([2, 3, 4, 5, 6]);
    expect(tokenizer.decode(tokenizer.encode('the jury said it .'))).toBe('the jury said it .');
    expect(tokenizer.eosId).toBe(1);
    expect(tokenizer.padId).toBe(0);
    expect(tokenizer.identity().name).toBe('hf:WordLevel');
  });

  it('tells different vocabularies apart by hash', () => {
    const a = createHfTokenizer(wordLevelTokenizerJson()).identity();
    const b = createHfTokenizer(
      wordLevelTokenizerJson(['the', 'jury', 'said', 'it', '!']),
    ).identity();
    expect(a.vocabSize).toBe(b.vocabSize);
    expect(a.hash).not.toBe(b.hash);
    expect(createHfTokenizer(wordLevelTokenizerJson()).identity()).toEqual(a);
  });

  it('explains what is missing', () => {
    expect(() => createHfTokenizer({ nope: 1 })).toThrow(/tokenizer\.json/);
    expect(() => createHfTokenizer(wordLevelTokenizerJson(), { eosToken: '<eos>' })).toThrow(
      /"<eos>" in the vocabulary/,
    );
  });
});
