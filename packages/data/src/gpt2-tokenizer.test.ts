// Tests of the GPT-2 tokenizer: known ids, round trips, EOS handling.
import { describe, expect, it } from 'vitest';
import { createGpt2Tokenizer } from './gpt2-tokenizer';

describe('createGpt2Tokenizer', () => {
  it('round-trips text with GPT-2 ids', async () => {
    const tokenizer = await createGpt2Tokenizer();
    expect(tokenizer.vocabSize).toBe(50257);
    expect(tokenizer.eosId).toBe(50256);
    // GPT-2's well-known ids: "Hello" = 15496, " world" = 995.
    expect(tokenizer.encode('Hello world')).toEqual([15496, 995]);
    for (const text of [
      'The jury said, "considering the widespread interest".',
      'naïve 東京 🙂\n\n  x',
    ]) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it('encodes <|endoftext|> in text as plain text and drops EOS when decoding', async () => {
    const tokenizer = await createGpt2Tokenizer();
    const ids = tokenizer.encode('a<|endoftext|>b');
    expect(ids).not.toContain(50256);
    expect(tokenizer.decode(ids)).toBe('a<|endoftext|>b');
    expect(tokenizer.decode([15496, 50256, 995])).toBe('Hello world');
    expect(tokenizer.identity()).toMatchObject({ name: 'gpt2', vocabSize: 50257 });
  });
});
