// The one tokenizer interface every source, shard and loader in @relora/data speaks.

/** What makes two tokenizers interchangeable: shards record it and refuse a different one. */
export interface TokenizerIdentity {
  /** Human-readable name, e.g. `byte`, `gpt2`, `hf:tokenizer.json`. */
  readonly name: string;
  /** Number of ids, specials included; every id is in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Hex digest of everything that decides the id of a piece of text (vocabulary, merges, specials). */
  readonly hash: string;
}

/** Text <-> token ids. Implementations: byte-level, GPT-2 BPE, any Hugging Face `tokenizer.json`. */
export interface Tokenizer {
  readonly name: string;
  /** Number of ids, specials included. */
  readonly vocabSize: number;
  /** End-of-text id: joins documents when they are packed into windows. */
  readonly eosId: number;
  readonly bosId?: number;
  readonly padId?: number;
  /** Ids of `text`, with no specials added. */
  encode(text: string): number[];
  /** Text of `ids`; special ids decode to nothing. */
  decode(ids: ArrayLike<number>): string;
  identity(): TokenizerIdentity;
}

/** Throws unless `actual` is the tokenizer that `expected` describes (name, vocabulary size and hash). */
export function assertSameTokenizer(
  expected: TokenizerIdentity,
  actual: TokenizerIdentity,
  where: string,
): void {
  if (
    expected.name !== actual.name ||
    expected.vocabSize !== actual.vocabSize ||
    expected.hash !== actual.hash
  ) {
    throw new Error(
      `${where} was made with tokenizer ${describe(expected)}, but the tokenizer given is ${describe(actual)}; ` +
        'pass the same tokenizer, or pretokenize again with this one',
    );
  }
}

function describe(id: TokenizerIdentity): string {
  return `"${id.name}" (vocabSize ${id.vocabSize}, hash ${id.hash})`;
}
