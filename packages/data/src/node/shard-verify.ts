// Checks one shard's files against index.json: sizes, sha256 and every id inside the vocabulary.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesPerToken, type ShardEntry, type ShardIndex } from './shard-format';

/**
 * Throws, naming the file, if a file of `shard` is missing, truncated or too long; with `full`,
 * also if its sha256 differs or a token id is outside the vocabulary.
 */
export async function verifyShard(
  dir: string,
  index: ShardIndex,
  shard: ShardEntry,
  verify: 'full' | 'size',
): Promise<void> {
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
      throw new Error(
        `shard file ${path} does not match its sha256 in index.json: it was altered or damaged`,
      );
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
      if (got === 0)
        throw new Error(`shard file ${path} is truncated: it ends at byte ${position} of ${size}`);
      hash.update(chunk.subarray(0, got));
      if (ids !== undefined)
        checkIds(chunk, got, ids.width, ids.vocabSize, path, position / ids.width);
      position += got;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function checkIds(
  chunk: Buffer,
  bytes: number,
  width: number,
  vocabSize: number,
  path: string,
  first: number,
): void {
  const view =
    width === 2
      ? new Uint16Array(chunk.buffer, chunk.byteOffset, bytes >> 1)
      : new Uint32Array(chunk.buffer, chunk.byteOffset, bytes >> 2);
  for (let i = 0; i < view.length; i++) {
    const id = view[i] as number;
    if (id >= vocabSize) {
      throw new Error(
        `shard file ${path} holds token id ${id} at token ${first + i}, outside the vocabulary [0, ${vocabSize})`,
      );
    }
  }
}
