// GPT-2 BPE (r50k_base) from gpt-tokenizer, which ships its vocabulary: nothing is downloaded.
import { hashString } from '@relora/core';
import type { Tokenizer, TokenizerIdentity } from './tokenizer';

/** GPT-2's vocabulary size and its only special, `<|endoftext|>`. */
export const GPT2_TOKENIZER_IDS = { eos: 50256, vocabSize: 50257 } as const;

/**
 * The GPT-2 tokenizer (50257 ids, `eosId` 50256). Loaded lazily (the ranks are ~1 MB of
 * JavaScript) so importing @relora/data stays cheap. `<|endoftext|>` inside text is encoded as
 * ordinary text, never as the special id: documents are joined with EOS by the loader.
 */
export async function createGpt2Tokenizer(): Promise<Tokenizer> {
  const bpe = await import('gpt-tokenizer/encoding/r50k_base');
  const noSpecials = { disallowedSpecial: new Set<string>() };
  const identity: TokenizerIdentity = {
    name: 'gpt2',
    vocabSize: bpe.vocabularySize,
    hash: hashString(
      `gpt-tokenizer:r50k_base;vocab=${bpe.vocabularySize};eos=${GPT2_TOKENIZER_IDS.eos}`,
    ),
  };
  return {
    name: identity.name,
    vocabSize: identity.vocabSize,
    eosId: GPT2_TOKENIZER_IDS.eos,
    encode: (text) => bpe.encode(text, noSpecials),
    decode: (ids) => bpe.decode(Array.from(ids).filter((id) => id !== GPT2_TOKENIZER_IDS.eos)),
    identity: () => identity,
  };
}
