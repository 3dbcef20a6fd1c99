// Opens pretokenized shards as a TokenStore, checking them against their index first.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenStore } from '../token-store';
import { assertSameTokenizer, type Tokenizer, type TokenizerIdentity } from '../tokenizer';
import { bytesPerToken, readShardIndex, type ShardEntry, type ShardIndex } from './shard-format';
import { verifyShard } from './shard-verify';

/** Options of {@link openShards}. */
export interface OpenShardsOptions {
  /** The tokenizer the caller will decode with; a shard folder made with another is refused. */
  tokenizer: Tokenizer;
  /**
   * `full` (default) reads every byte once: sha256 of each file and every id inside the
   * vocabulary. `size` checks only file sizes, for very large corpora already verified.
   */
  verify?: 'full' | 'size';
}

/**
 * The shards in `dir` as a {@link TokenStore}. Throws, naming the file, if index.json is missing or
 * damaged, the tokenizer differs, a file is missing, truncated or altered (size or sha256), or an id
 * lies outside the vocabulary. Call `close()` when done.
 */
export async function openShards(dir: string, options: OpenShardsOptions): Promise<ShardStore> {
  const index = await readShardIndex(dir);
  assertSameTokenizer(index.tokenizer, options.tokenizer.identity(), `shard folder ${dir}`);
  const tokens = index.shards.reduce((sum, shard) => sum + shard.tokens, 0);
  const documents = index.shards.reduce((sum, shard) => sum + shard.documents, 0);
  if (tokens !== index.tokens || documents !== index.documents) {
    throw new Error(
      `${dir}/index.json is inconsistent: its shards add up to ${tokens} tokens and ${documents} documents, its totals say ${index.tokens} and ${index.documents}`,
    );
  }
  for (const shard of index.shards) await verifyShard(dir, index, shard, options.verify ?? 'full');
  return new ShardStore(dir, index);
}

/** A {@link TokenStore} reading windows straight from shard files (synchronous positioned reads). */
export class ShardStore implements TokenStore {
  readonly tokenizer: TokenizerIdentity;
  readonly eosId: number;
  readonly numTokens: number;
  readonly numDocuments: number;
  private readonly starts: number[] = [];
  private readonly fds: number[];
  private readonly width: number;
  private scratch = Buffer.alloc(0);

  constructor(
    private readonly dir: string,
    readonly index: ShardIndex,
  ) {
    this.tokenizer = index.tokenizer;
    this.eosId = index.eosId;
    this.numTokens = index.tokens;
    this.numDocuments = index.documents;
    this.width = bytesPerToken(index.dtype);
    let start = 0;
    for (const shard of index.shards) {
      this.starts.push(start);
      start += shard.tokens;
    }
    this.fds = index.shards.map((shard) => openSync(join(dir, shard.file), 'r'));
  }

  *documentRanges(): Iterable<[number, number]> {
    for (let s = 0; s < this.index.shards.length; s++) {
      const shard = this.index.shards[s] as ShardEntry;
      const base = this.starts[s] as number;
      const fd = openSync(join(this.dir, shard.documentsFile), 'r');
      const starts = new Uint32Array(shard.documents);
      try {
        readSync(fd, new Uint8Array(starts.buffer), 0, starts.byteLength, 0);
      } finally {
        closeSync(fd);
      }
      for (let d = 0; d < shard.documents; d++) {
        const end = d + 1 < shard.documents ? (starts[d + 1] as number) : shard.tokens;
        yield [base + (starts[d] as number), base + end];
      }
    }
  }

  read(start: number, length: number, out: Int32Array, outOffset: number): void {
    let shard = this.shardAt(start);
    let done = 0;
    while (done < length) {
      const within = start + done - (this.starts[shard] as number);
      const take = Math.min(
        length - done,
        (this.index.shards[shard] as ShardEntry).tokens - within,
      );
      this.readShard(shard, within, take, out, outOffset + done);
      done += take;
      shard++;
    }
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }

  private readShard(
    shard: number,
    within: number,
    count: number,
    out: Int32Array,
    at: number,
  ): void {
    const bytes = count * this.width;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    const fd = this.fds[shard];
    if (fd === undefined) throw new Error(`shard store ${this.dir} is closed`);
    const got = readSync(fd, this.scratch, 0, bytes, within * this.width);
    if (got !== bytes)
      throw new Error(`shard file ${this.index.shards[shard]?.file} in ${this.dir} is truncated`);
    const ids =
      this.width === 2
        ? new Uint16Array(this.scratch.buffer, this.scratch.byteOffset, count)
        : new Uint32Array(this.scratch.buffer, this.scratch.byteOffset, count);
    out.set(ids, at);
  }

  private shardAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
