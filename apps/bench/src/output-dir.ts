// Where relora-bench writes its results: checked before any case runs, and results a user already
// has are replaced only when asked (--overwrite); each file is written whole or not at all.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwritablePath } from '@relora/data/node';

/** The files a bench run writes into its output directory. */
export const BENCH_OUTPUT_FILES = [
  'bench-results.json',
  'bench-memory.svg',
  'bench-throughput.svg',
  'bench-report.html',
] as const;

/** One of {@link BENCH_OUTPUT_FILES}. */
export type BenchOutputFile = (typeof BENCH_OUTPUT_FILES)[number];

/**
 * Why the bench may not write into `dir`, in one line naming `--out-dir`, or undefined when it
 * may: `dir` must be a directory (or creatable in a writable one) and hold none of
 * {@link BENCH_OUTPUT_FILES} unless `overwrite`. Other files in it are never touched. Writes nothing.
 */
export function outputDirRefusal(dir: string, overwrite: boolean): string | undefined {
  if (dir === '') return '--out-dir: expected a directory path, got an empty string';
  const why = unwritablePath(dir);
  if (why !== undefined) return `--out-dir: ${why}`;
  const earlier = BENCH_OUTPUT_FILES.filter((name) => existsSync(join(dir, name)));
  if (earlier.length > 0 && !overwrite)
    return `--out-dir: ${dir} holds the results of an earlier run (${earlier.join(', ')}); pass --overwrite to replace them, or choose another --out-dir`;
  return undefined;
}

/**
 * Writes `files` into `dir` (created if needed), each to a temporary name first and renamed over
 * its final name, so a crash or a full disk never leaves a half-written file in place of one.
 * Returns the paths written.
 */
export function writeOutputFiles(
  dir: string,
  files: Readonly<Record<BenchOutputFile, string>>,
): string[] {
  mkdirSync(dir, { recursive: true });
  return BENCH_OUTPUT_FILES.map((name) => {
    const path = join(dir, name);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, files[name]);
    renameSync(tmp, path);
    return path;
  });
}
