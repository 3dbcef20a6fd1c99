// One run per run directory: a new run refuses a directory that holds anything, one process at a
// time holds it (a .lock file with its pid), and what a crashed process left is cleaned at start.
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  cleanCheckpointDebris,
  listCheckpoints,
  processAlive,
  writeFileAtomic,
} from '@relora/trainer/node';
import { UsageError } from './parse-value';

/** The lock file in a run directory: the pid of the process training into it. */
export const LOCK_FILE = '.lock';

/** The run's own log files: a new run starts them empty. */
const LOG_FILES = ['metrics.jsonl', 'eval.jsonl'] as const;

/** The pid in `dir`'s lock file if that process is running. */
function liveHolder(dir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return processAlive(pid) ? pid : undefined;
}

function inUse(dir: string, pid: number): UsageError {
  return new UsageError(
    `--save-dir: ${dir} is in use by process ${pid} (${LOCK_FILE}); one run per directory at a time`,
  );
}

/**
 * Checks, writing nothing, that a run may train into `dir`: a directory (or nothing yet), not
 * locked by a running process, and empty unless the run resumes or `overwrite` is given.
 */
export function checkRunDirectory(
  dir: string,
  { resuming, overwrite }: { resuming: boolean; overwrite: boolean },
): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new UsageError(`--save-dir: ${dir} is a file, not a directory`);
  const holder = liveHolder(dir);
  if (holder !== undefined) throw inUse(dir, holder);
  if (resuming || overwrite) return;
  const entries = readdirSync(dir).filter((name) => name !== LOCK_FILE);
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
    throw new UsageError(
      `--save-dir: ${dir} is not empty (${shown}); continue its run with --autoresume or --resume-from, start this one in a new directory, or pass --overwrite`,
    );
  }
}

/**
 * Takes `dir`'s lock (created, atomically; a lock whose process is gone is taken over) and
 * returns its release. Throws a {@link UsageError} when a running process holds it.
 */
export function lockRunDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = liveHolder(dir);
      if (holder !== undefined) throw inUse(dir, holder);
      rmSync(path, { force: true }); // left by a process that crashed
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return () => {
      try {
        if (readFileSync(path, 'utf8').trim() === String(process.pid))
          rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
  }
  throw new UsageError(`--save-dir: could not take ${path}`);
}

/**
 * Prepares a locked run directory for this run: removes what crashed processes left (checkpoint
 * debris, temporary files of atomic writes) and, for a run that does not resume, starts the logs
 * empty. Returns the checkpoints already there that this run did not write and must not prune.
 */
export function startRunDirectory(
  dir: string,
  checkpointsDir: string,
  resuming: boolean,
): Set<string> {
  cleanCheckpointDebris(checkpointsDir);
  for (const name of readdirSync(dir)) {
    const match = /^(?:config\.json|metrics\.jsonl|eval\.jsonl)\.tmp-(\d+)$/.exec(name);
    if (match && !processAlive(Number(match[1]))) rmSync(join(dir, name), { force: true });
  }
  if (resuming) return new Set();
  for (const file of LOG_FILES)
    if (existsSync(join(dir, file))) writeFileAtomic(join(dir, file), '');
  return new Set(listCheckpoints(checkpointsDir).map((c) => c.path));
}
