// A corpus as one stream of token ids (each document followed by EOS), in memory or on disk.
import type { Tokenizer, TokenizerIdentity } from './tokenizer';

/**
 * Random access to a tokenized corpus: documents, each followed by `eosId`, laid end to end.
 * `MemoryTokenStore` keeps them in a typed array; `openShards` (node entry) reads shard files.
 */
export interface TokenStore {
  readonly tokenizer: TokenizerIdentity;
  readonly eosId: number;
  /** Tokens in the stream, EOS included. */
  readonly numTokens: number;
  readonly numDocuments: number;
  /** `[start, end)` of each document in the stream, in order; `end` is one past its EOS. */
  documentRanges(): Iterable<[number, number]>;
  /** Copies tokens `[start, start + length)` of the stream into `out` at `outOffset`. */
  read(start: number, length: number, out: Int32Array, outOffset: number): void;
  /** Releases files; a no-op in memory. */
  close(): void;
}

/** A {@link TokenStore} over token ids held in memory (e.g. the Brown corpus, ~6M byte tokens). */
export class MemoryTokenStore implements TokenStore {
  readonly tokenizer: TokenizerIdentity;
  readonly eosId: number;
  readonly numTokens: number;
  readonly numDocuments: number;

  /**
   * @param tokens the stream: documents each followed by EOS.
   * @param documentStarts start of each document, ascending, plus `tokens.length` at the end.
   */
  constructor(
    private readonly tokens: Uint16Array | Uint32Array | Int32Array,
    private readonly documentStarts: Float64Array,
    tokenizer: Tokenizer,
  ) {
    this.tokenizer = tokenizer.identity();
    this.eosId = tokenizer.eosId;
    this.numTokens = tokens.length;
    this.numDocuments = documentStarts.length - 1;
    if (documentStarts[this.numDocuments] !== tokens.length) {
      throw new Error('MemoryTokenStore: the last document start must equal the number of tokens');
    }
  }

  *documentRanges(): Iterable<[number, number]> {
    for (let d = 0; d < this.numDocuments; d++) {
      yield [this.documentStarts[d] as number, this.documentStarts[d + 1] as number];
    }
  }

  read(start: number, length: number, out: Int32Array, outOffset: number): void {
    out.set(this.tokens.subarray(start, start + length), outOffset);
  }

  close(): void {}
}

/**
 * Tokenizes `texts` (one document each) into a {@link MemoryTokenStore}; empty texts are skipped.
 * Throws if the tokenizer yields an id outside `[0, vocabSize)`.
 */
export function tokenizeTexts(texts: Iterable<string>, tokenizer: Tokenizer): MemoryTokenStore {
  const builder = new TokenStreamBuilder(tokenizer);
  for (const text of texts) builder.add(text);
  return builder.finish();
}

/** Grows the token stream of a {@link MemoryTokenStore} one document at a time. */
export class TokenStreamBuilder {
  private tokens: Uint16Array | Uint32Array;
  private starts: number[] = [0];
  private length = 0;

  constructor(private readonly tokenizer: Tokenizer) {
    this.tokens =
      tokenizer.vocabSize <= 65536 ? new Uint16Array(1 << 16) : new Uint32Array(1 << 16);
  }

  /** Appends one document (and its EOS); returns the number of tokens added, 0 for empty text. */
  add(text: string, origin = 'document'): number {
    if (text.length === 0) return 0;
    const ids = this.tokenizer.encode(text);
    checkIds(ids, this.tokenizer, origin);
    this.reserve(ids.length + 1);
    this.tokens.set(ids, this.length);
    this.tokens[this.length + ids.length] = this.tokenizer.eosId;
    this.length += ids.length + 1;
    this.starts.push(this.length);
    return ids.length + 1;
  }

  finish(): MemoryTokenStore {
    return new MemoryTokenStore(
      this.tokens.slice(0, this.length),
      Float64Array.from(this.starts),
      this.tokenizer,
    );
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.tokens.length) return;
    let size = this.tokens.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new (this.tokens.constructor as Uint16ArrayConstructor)(size);
    grown.set(this.tokens.subarray(0, this.length));
    this.tokens = grown;
  }
}

/** Throws if any id is outside the tokenizer's vocabulary. */
export function checkIds(ids: ArrayLike<number>, tokenizer: Tokenizer, origin: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (!(id >= 0 && id < tokenizer.vocabSize && Number.isInteger(id))) {
      throw new Error(
        `${origin}: tokenizer "${tokenizer.name}" produced id ${id}, outside its vocabulary [0, ${tokenizer.vocabSize})`,
      );
    }
  }
}
