// Opens pretokenized shards as a TokenStore, checking them against their index first.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenStore } from '../token-store';
import { assertSameTokenizer, type Tokenizer, type TokenizerIdentity } from '../tokenizer';
import { bytesPerToken, readShardIndex, type ShardEntry, type ShardIndex } from './shard-format';

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
    throw new Error(`${dir}/index.json is inconsistent: its shards add up to ${tokens} tokens and ${documents} documents, its totals say ${index.tokens} and ${index.documents}`);
  }
  for (const shard of index.shards) await checkShard(dir, index, shard, options.verify ?? 'full');
  return new ShardStore(dir, index);
}

async function checkShard(dir: string, index: ShardIndex, shard: ShardEntry, verify: 'full' | 'size'): Promise<void> {
  const width = bytesPerToken(index.dtype);
  const files: Array<[string, number, string]> = [
    [shard.file, shard.tokens * width, shard.sha256],
    [shard.documentsFile, shard.documents * 4, shard.documentsSha256],
  ];
  for (const [name, bytes] of files) {
    const path = join(dir, name);
    const size = await stat(path).then(
      (info) => info.size,
      () => {
        throw new Error(`shard file ${path} is missing (listed in index.json)`);
      },
    );
    if (size !== bytes) {
      throw new Error(
        `shard file ${path} is ${size < bytes ? 'truncated' : 'too long'}: ${size} bytes, index.json says ${bytes}`,
      );
    }
  }
  if (verify === 'size') return;
  for (const [name, bytes, expected] of files) {
    const path = join(dir, name);
    const ids = name === shard.file ? { width, vocabSize: index.tokenizer.vocabSize } : undefined;
    if (sha256Of(path, bytes, ids) !== expected) {
      throw new Error(`shard file ${path} does not match its sha256 in index.json: it was altered or damaged`);
    }
  }
}

/** sha256 of a file read in 4 MB chunks; with `ids`, also checks every id is inside the vocabulary. */
function sha256Of(path: string, size: number, ids?: { width: number; vocabSize: number }): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1 << 22);
  const fd = openSync(path, 'r');
  try {
    for (let position = 0; position < size; ) {
      const got = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
      if (got === 0) throw new Error(`shard file ${path} is truncated: it ends at byte ${position} of ${size}`);
      hash.update(chunk.subarray(0, got));
      if (ids !== undefined) checkIds(chunk, got, ids.width, ids.vocabSize, path, position / ids.width);
      position += got;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function checkIds(chunk: Buffer, bytes: number, width: number, vocabSize: number, path: string, first: number): void {
  const view = width === 2 ? new Uint16Array(chunk.buffer, chunk.byteOffset, bytes >> 1) : new Uint32Array(chunk.buffer, chunk.byteOffset, bytes >> 2);
  for (let i = 0; i < view.length; i++) {
    const id = view[i] as number;
    if (id >= vocabSize) {
      throw new Error(`shard file ${path} holds token id ${id} at token ${first + i}, outside the vocabulary [0, ${vocabSize})`);
    }
  }
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
      const take = Math.min(length - done, (this.index.shards[shard] as ShardEntry).tokens - within);
      this.readShard(shard, within, take, out, outOffset + done);
      done += take;
      shard++;
    }
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }

  private readShard(shard: number, within: number, count: number, out: Int32Array, at: number): void {
    const bytes = count * this.width;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    const fd = this.fds[shard];
    if (fd === undefined) throw new Error(`shard store ${this.dir} is closed`);
    const got = readSync(fd, this.scratch, 0, bytes, within * this.width);
    if (got !== bytes) throw new Error(`shard file ${this.index.shards[shard]?.file} in ${this.dir} is truncated`);
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
