// A run's directory: config.json, metrics.jsonl, eval.jsonl (append-only lines) and checkpoints/.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** Writes the files of one run under `dir`; lines are appended as events arrive, so a crash loses nothing written. */
export class RunDirectory {
  readonly dir: string;
  readonly checkpointsDir: string;
  /** The step after which {@link continueAfter} drops lines, until the next line is appended. */
  #continueAfter: number | undefined;

  constructor(dir: string) {
    this.dir = dir;
    this.checkpointsDir = join(dir, 'checkpoints');
  }

  /** Creates the directory (and checkpoints/) if needed. */
  create(): this {
    mkdirSync(this.checkpointsDir, { recursive: true });
    return this;
  }

  /** Writes config.json (the fully resolved configuration), atomically. */
  writeConfig(config: unknown): void {
    writeJsonAtomic(join(this.dir, 'config.json'), config);
  }

  /** Appends one object as a line of metrics.jsonl. */
  appendMetrics(record: object): void {
    this.#append('metrics.jsonl', record);
  }

  /** Appends one object as a line of eval.jsonl. */
  appendEval(record: object): void {
    this.#append('eval.jsonl', record);
  }

  #append(file: 'metrics.jsonl' | 'eval.jsonl', record: object): void {
    const step = this.#continueAfter;
    if (step !== undefined) {
      this.#continueAfter = undefined;
      this.truncateAfter(step);
    }
    appendFileSync(join(this.dir, file), `${JSON.stringify(record)}\n`);
  }

  /**
   * A resume from update step `step`: {@link truncateAfter} `step`, done when the first new line
   * is appended, so that a resume failing before it logs anything leaves the logs as they were.
   */
  continueAfter(step: number): void {
    this.#continueAfter = step;
  }

  /** Parsed lines of metrics.jsonl or eval.jsonl (empty if absent). */
  readLines(file: 'metrics.jsonl' | 'eval.jsonl'): Array<Record<string, unknown>> {
    return readJsonl(join(this.dir, file));
  }

  /**
   * Drops lines whose `update_step` is after `step` from metrics.jsonl and eval.jsonl: a run resumed
   * from step `step` logs those steps again, so the files read as one uninterrupted run.
   */
  truncateAfter(step: number): void {
    for (const file of ['metrics.jsonl', 'eval.jsonl'] as const) {
      const path = join(this.dir, file);
      if (!existsSync(path)) continue;
      const kept = readJsonl(path).filter(
        (r) => typeof r.update_step === 'number' && r.update_step <= step,
      );
      writeFileAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }
}

/** Lines of a JSON-lines file, skipping a torn last line (a crash mid-write). */
export function readJsonl(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  const out: Array<Record<string, unknown>> = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line from an interrupted append
    }
  }
  return out;
}

/** Writes `text` to a temporary file next to `path`, then renames it over `path`. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** {@link writeFileAtomic} of pretty-printed JSON. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
