// Byte-level tokenizer: one id per UTF-8 byte plus end-of-text and padding; the small CPU default.
import { hashString } from '@relora/core';
import type { Tokenizer, TokenizerIdentity } from './tokenizer';

/** Ids of the byte tokenizer: bytes are 0..255, then the specials. */
export const BYTE_TOKENIZER_IDS = { eos: 256, pad: 257, vocabSize: 258 } as const;

/**
 * A tokenizer whose ids are the UTF-8 bytes of the text (0..255), with `eosId` 256 and `padId` 257.
 * Any text round-trips exactly; invalid UTF-8 in `decode` becomes U+FFFD.
 */
export function createByteTokenizer(): Tokenizer {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const identity: TokenizerIdentity = {
    name: 'byte',
    vocabSize: BYTE_TOKENIZER_IDS.vocabSize,
    hash: hashString('utf8-bytes;eos=256;pad=257'),
  };
  return {
    name: identity.name,
    vocabSize: identity.vocabSize,
    eosId: BYTE_TOKENIZER_IDS.eos,
    padId: BYTE_TOKENIZER_IDS.pad,
    encode: (text) => Array.from(encoder.encode(text)),
    decode(ids) {
      const bytes = new Uint8Array(ids.length);
      let n = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (id < 256) bytes[n++] = id;
      }
      return decoder.decode(bytes.subarray(0, n));
    },
    identity: () => identity,
  };
}
