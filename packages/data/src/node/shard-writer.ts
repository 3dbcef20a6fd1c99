// Writes one shard's token and document files in bounded chunks, hashing as it goes.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type ShardEntry, type ShardIndex, shardFileNames } from './shard-format';

/** Tokens buffered before a write: 1M tokens, so memory stays bounded whatever the shard size. */
const CHUNK_TOKENS = 1 << 20;

/** One open shard: append documents, then `finish()` for its index entry. */
export class ShardWriter {
  tokens = 0;
  documents = 0;
  private readonly names: { file: string; documentsFile: string };
  private readonly tokenFd: number;
  private readonly docFd: number;
  private readonly tokenHash: Hash = createHash('sha256');
  private readonly docHash: Hash = createHash('sha256');
  private readonly chunk: Uint16Array | Uint32Array;
  private readonly docChunk = new Uint32Array(CHUNK_TOKENS / 4);
  private filled = 0;
  private docsFilled = 0;

  constructor(dir: string, index: number, dtype: ShardIndex['dtype']) {
    this.names = shardFileNames(index);
    // 'wx': fail rather than overwrite; the folder is fresh, so this only guards against bugs.
    this.tokenFd = openSync(join(dir, this.names.file), 'wx');
    this.docFd = openSync(join(dir, this.names.documentsFile), 'wx');
    this.chunk = dtype === 'uint16' ? new Uint16Array(CHUNK_TOKENS) : new Uint32Array(CHUNK_TOKENS);
  }

  /** Appends one document's ids followed by `eosId`. */
  append(ids: ArrayLike<number>, eosId: number): void {
    if (this.tokens >= 2 ** 32)
      throw new Error('a shard cannot hold 2^32 tokens or more; lower shardTokens');
    if (this.docsFilled === this.docChunk.length) this.flushDocs();
    this.docChunk[this.docsFilled++] = this.tokens;
    this.documents++;
    for (let i = 0; i <= ids.length; i++) {
      if (this.filled === this.chunk.length) this.flushTokens();
      this.chunk[this.filled++] = i < ids.length ? (ids[i] as number) : eosId;
    }
    this.tokens += ids.length + 1;
  }

  /** Flushes, closes both files and returns the shard's index entry. */
  finish(): ShardEntry {
    this.flushTokens();
    this.flushDocs();
    closeSync(this.tokenFd);
    closeSync(this.docFd);
    return {
      file: this.names.file,
      tokens: this.tokens,
      sha256: this.tokenHash.digest('hex'),
      documentsFile: this.names.documentsFile,
      documents: this.documents,
      documentsSha256: this.docHash.digest('hex'),
    };
  }

  /** Closes the files after a failure (the caller removes the folder). */
  abort(): void {
    for (const fd of [this.tokenFd, this.docFd]) {
      try {
        closeSync(fd);
      } catch {}
    }
  }

  private flushTokens(): void {
    this.write(this.tokenFd, this.tokenHash, this.chunk.subarray(0, this.filled));
    this.filled = 0;
  }

  private flushDocs(): void {
    this.write(this.docFd, this.docHash, this.docChunk.subarray(0, this.docsFilled));
    this.docsFilled = 0;
  }

  private write(fd: number, hash: Hash, data: Uint16Array | Uint32Array): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    hash.update(bytes);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  }
}
