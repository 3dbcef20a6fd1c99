// Resolves a file-or-folder argument to the sorted list of input files, with clear errors.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * `path` itself if it is a file, else every file under the folder (recursively, sorted) whose name
 * ends with one of `extensions`. Throws if the path is missing, the folder holds no such file, or a
 * file is empty.
 */
export async function listInputFiles(path: string, extensions: string[]): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw new Error(`input not found: ${path} (expected a file or a folder)`);
  });
  const files = info.isDirectory() ? await walk(path, extensions) : [path];
  if (files.length === 0) {
    throw new Error(
      `no input files in folder ${path} (looked for names ending ${extensions.join(', ')})`,
    );
  }
  for (const file of files) {
    if ((await stat(file)).size === 0) throw new Error(`input file is empty: ${file}`);
  }
  return files;
}

async function walk(dir: string, extensions: string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path, extensions)));
    else if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext))) files.push(path);
  }
  return files;
}

/**
 * Lines of a file, streamed (gunzipped when the name ends `.gz`): never the whole file in memory.
 * The file is closed however the caller stops (end, break or error).
 */
export async function* readLines(file: string): AsyncGenerator<string> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => input.destroy(error));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    yield* lines;
  } finally {
    lines.close();
    raw.destroy();
    input.destroy();
  }
}

/**
 * Lines of a file as bytes (without the `\n`, or a `\r\n`), streamed as {@link readLines}: for
 * callers that must refuse invalid UTF-8 rather than read it as U+FFFD.
 */
export async function* readByteLines(file: string): AsyncGenerator<Buffer> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => input.destroy(error));
  const line = (parts: Buffer[]) => {
    const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    return bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes;
  };
  let pending: Buffer[] = [];
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
        pending.push(chunk.subarray(start, end));
        yield line(pending);
        pending = [];
        start = end + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    if (pending.length > 0) yield line(pending);
  } finally {
    raw.destroy();
    input.destroy();
  }
}
