// Tokenizes a document source into deterministic binary shards, written atomically.

import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { DocumentSource } from '../document-source';
import { checkIds } from '../token-store';
import type { Tokenizer } from '../tokenizer';
import { INDEX_FILE, SHARD_FORMAT, SHARD_FORMAT_VERSION, type ShardIndex } from './shard-format';
import { ShardWriter } from './shard-writer';
import { unwritablePath } from './writable-path';

/** Options of {@link pretokenize}. */
export interface PretokenizeOptions {
  /** Documents to tokenize, read once in order (e.g. `new JsonlSource(path)`, `textDocuments(path)`). */
  source: DocumentSource;
  tokenizer: Tokenizer;
  /** Folder to create; it must not exist yet (or be empty) unless `overwrite`. */
  outDir: string;
  /** A shard is closed at the first document end at or past this many tokens. Default 2^26 (~67M). */
  shardTokens?: number;
  /** Replace an existing outDir (only once the new shards are complete). Default false. */
  overwrite?: boolean;
  /** Called after each shard is finished. */
  onShard?: (progress: { shards: number; documents: number; tokens: number }) => void;
}

/** Defaults of {@link PretokenizeOptions}. */
export const PRETOKENIZE_DEFAULTS = { shardTokens: 2 ** 26, overwrite: false } as const;

/**
 * Tokenizes every document of `source` (each followed by EOS) into `outDir`: shard files
 * (`shard-00000.bin`: uint16 ids when vocabSize <= 65536, else uint32, little-endian;
 * `shard-00000.docs`: uint32 document starts) and `index.json` (tokenizer identity, counts,
 * sha256 per file). The same input gives the same bytes. Memory holds one document and a 4 MB
 * buffer. Everything is written to a temporary sibling folder renamed into place at the end, so a
 * failure leaves an existing `outDir` untouched. Returns the index.
 */
export async function pretokenize(options: PretokenizeOptions): Promise<ShardIndex> {
  const { tokenizer, source } = options;
  const shardTokens = options.shardTokens ?? PRETOKENIZE_DEFAULTS.shardTokens;
  const overwrite = options.overwrite ?? PRETOKENIZE_DEFAULTS.overwrite;
  if (!(Number.isInteger(shardTokens) && shardTokens > 0)) {
    throw new Error(`shardTokens must be a positive integer, got ${shardTokens}`);
  }
  if (endianness() !== 'LE')
    throw new Error('pretokenize writes little-endian shards and needs a little-endian machine');
  const outDir = resolve(options.outDir);
  await cleanPretokenizeDebris(outDir);
  const refusal = await checkOutDir(outDir, overwrite);
  if (refusal !== undefined) throw new Error(refusal);
  const dtype = tokenizer.vocabSize <= 65536 ? 'uint16' : 'uint32';
  const temp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(temp, { recursive: true });
  const index: ShardIndex = {
    format: SHARD_FORMAT,
    version: SHARD_FORMAT_VERSION,
    tokenizer: tokenizer.identity(),
    eosId: tokenizer.eosId,
    dtype,
    tokens: 0,
    documents: 0,
    shards: [],
  };
  let writer: ShardWriter | undefined;
  try {
    const close = () => {
      if (writer === undefined) return;
      index.shards.push(writer.finish());
      writer = undefined;
      options.onShard?.({
        shards: index.shards.length,
        documents: index.documents,
        tokens: index.tokens,
      });
    };
    for await (const doc of source) {
      if (doc.text.length === 0) continue;
      const ids = tokenizer.encode(doc.text);
      checkIds(ids, tokenizer, doc.origin);
      writer ??= new ShardWriter(temp, index.shards.length, dtype);
      writer.append(ids, tokenizer.eosId);
      index.tokens += ids.length + 1;
      index.documents++;
      if (writer.tokens >= shardTokens) close();
    }
    close();
    if (index.documents === 0)
      throw new Error('pretokenize: the source yielded no documents (is it empty?)');
    await writeFile(join(temp, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
    await moveIntoPlace(temp, outDir, overwrite);
  } catch (error) {
    writer?.abort();
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return index;
}

/**
 * Why `outDir` may not receive shards, or undefined if it may: it must be missing, an empty folder,
 * or (with `overwrite`) a shard folder, whose `index.json` says so. A file or a folder of anything
 * else is never replaced.
 */
export async function checkOutDir(outDir: string, overwrite: boolean): Promise<string | undefined> {
  // The shards are written next to outDir first, then renamed into place.
  const parent = unwritablePath(dirname(resolve(outDir)));
  if (parent !== undefined) return parent;
  const info = await stat(outDir).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isDirectory())
    return `${outDir} exists and is not a folder; refused (choose another --out or remove it)`;
  if (!(await occupied(outDir))) return undefined;
  if (!overwrite) return refuse(outDir).message;
  if (!(await isShardFolder(outDir)))
    return `${outDir} is not a shard folder (no ${INDEX_FILE} of ${SHARD_FORMAT}); refused even with overwrite`;
  return undefined;
}

async function isShardFolder(dir: string): Promise<boolean> {
  try {
    const index = JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8'));
    return index?.format === SHARD_FORMAT;
  } catch {
    return false;
  }
}

/** True if `dir` exists and holds anything. */
async function occupied(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => undefined);
  return entries !== undefined && entries.length > 0;
}

function refuse(outDir: string): Error {
  return new Error(
    `${outDir} already exists and is not empty; pass overwrite: true (CLI --overwrite) to replace it`,
  );
}

/** Whether process `pid` is running (EPERM: it runs under another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cleans what a {@link pretokenize} into `outDir` that was killed left next to it: the temporary
 * folder of a process no longer running is removed, and the shard folder it had moved aside
 * (`<temp>.old`: killed between its two renames) is put back where `outDir` is missing. Returns
 * the names it removed or restored.
 */
export async function cleanPretokenizeDebris(outDir: string): Promise<string[]> {
  const parent = dirname(resolve(outDir));
  const base = basename(resolve(outDir)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const debris = new RegExp(`^\\.${base}\\.tmp-(\\d+)-\\d+(\\.old)?$`);
  const names = (await readdir(parent).catch(() => [] as string[])).sort();
  const cleaned: string[] = [];
  // `.old` first: the user's shards go back before any temporary folder is removed.
  for (const name of [...names.filter((n) => n.endsWith('.old')), ...names]) {
    const match = debris.exec(name);
    if (!match || cleaned.includes(name) || processAlive(Number(match[1]))) continue;
    const path = join(parent, name);
    if (match[2] && (await stat(outDir).catch(() => undefined)) === undefined)
      await rename(path, outDir);
    else await rm(path, { recursive: true, force: true });
    cleaned.push(name);
  }
  return cleaned;
}

/** Renames `temp` to `outDir`; an existing one is moved aside first and removed only after. */
async function moveIntoPlace(temp: string, outDir: string, overwrite: boolean): Promise<void> {
  // Checked again: the target may have changed while the shards were written.
  const refusal = await checkOutDir(outDir, overwrite);
  if (refusal !== undefined) throw new Error(refusal);
  if (await occupied(outDir)) {
    const old = `${temp}.old`;
    await rename(outDir, old);
    await rename(temp, outDir);
    await rm(old, { recursive: true, force: true });
    return;
  }
  // An empty folder (checkOutDir refused anything else), or nothing: rmdir removes no file.
  await rmdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(temp, outDir);
}
