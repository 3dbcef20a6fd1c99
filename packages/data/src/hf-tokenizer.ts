// Any Hugging Face `tokenizer.json` (BPE, WordPiece, Unigram, WordLevel) through @huggingface/tokenizers.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { hashString } from '@relora/core';
import type { Tokenizer, TokenizerIdentity } from './tokenizer';

/** Options of {@link createHfTokenizer}. */
export interface HfTokenizerOptions {
  /** Contents of `tokenizer_config.json`, if any: its `eos_token`/`bos_token`/`pad_token` name the specials. */
  config?: Record<string, unknown>;
  /** Name recorded in the identity; default `hf:<model type>`. */
  name?: string;
  /** End-of-text token (its text, e.g. `</s>`); default from `config`, else the first of {@link HF_EOS_CANDIDATES} in the vocabulary. */
  eosToken?: string;
}

/** Tokens tried, in order, as end-of-text when neither the options nor the config name one. */
export const HF_EOS_CANDIDATES = ['</s>', '<|endoftext|>', '<|end_of_text|>', '<eos>', '[SEP]'];

/**
 * A {@link Tokenizer} from the parsed contents of a Hugging Face `tokenizer.json`.
 * `encode` adds no specials; `decode` skips them and cleans up spaces only if the config says so. The identity hash covers the whole file.
 */
export function createHfTokenizer(
  tokenizerJson: unknown,
  options: HfTokenizerOptions = {},
): Tokenizer {
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || !('model' in tokenizerJson)) {
    throw new Error(
      'createHfTokenizer: expected the parsed contents of a tokenizer.json (an object with a "model")',
    );
  }
  const config = options.config ?? {};
  const hf = new HfTokenizer(tokenizerJson, config);
  const vocab = hf.get_vocab(true);
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const idOf = (token: string | undefined) => (token === undefined ? undefined : vocab.get(token));
  const eosToken =
    options.eosToken ?? tokenText(config.eos_token) ?? HF_EOS_CANDIDATES.find((t) => vocab.has(t));
  const eosId = idOf(eosToken);
  if (eosId === undefined) {
    throw new Error(
      `createHfTokenizer: no end-of-text token ${eosToken === undefined ? 'found' : `"${eosToken}" in the vocabulary`}; ` +
        `pass options.eosToken (tried ${HF_EOS_CANDIDATES.join(', ')})`,
    );
  }
  const modelType = String(
    (tokenizerJson as { model: { type?: unknown } }).model.type ?? 'unknown',
  );
  const identity: TokenizerIdentity = {
    name: options.name ?? `hf:${modelType}`,
    vocabSize,
    hash: hashString(`${JSON.stringify(tokenizerJson)};eos=${eosId}`),
  };
  // Off unless the config asks: the clean-up rewrites " ." to "." and breaks round trips.
  const cleanUp = config.clean_up_tokenization_spaces === true;
  const bosId = idOf(tokenText(config.bos_token));
  const padId = idOf(tokenText(config.pad_token));
  return {
    name: identity.name,
    vocabSize,
    eosId,
    ...(bosId === undefined ? {} : { bosId }),
    ...(padId === undefined ? {} : { padId }),
    encode: (text) => hf.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) =>
      hf.decode(Array.from(ids), {
        skip_special_tokens: true,
        clean_up_tokenization_spaces: cleanUp,
      }),
    identity: () => identity,
  };
}

/** `tokenizer_config.json` writes a special either as a string or as `{ content }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'content' in value) {
    const content = (value as { content: unknown }).content;
    return typeof content === 'string' ? content : undefined;
  }
  return undefined;
}
