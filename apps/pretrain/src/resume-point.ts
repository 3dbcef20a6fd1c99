// The checkpoint a run resumes from, read and checked whole before anything is written:
// --resume-from's, or with --autoresume the newest undamaged one that the run's logs reach.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type LlamaConfig, toHfConfig } from '@relora/llama';
import { checkResumable, type TrainerCheckpoint, type TrainerOptions } from '@relora/trainer';
import {
  listCheckpoints,
  readCheckpoint,
  readCheckpointConfig,
  readJsonl,
} from '@relora/trainer/node';

/** A checkpoint to resume from, every file of it read and checked. */
export interface ResumePoint {
  /** The checkpoint directory. */
  dir: string;
  /** Its contents, for `Trainer.restore`. */
  checkpoint: TrainerCheckpoint;
  /**
   * Newer checkpoints --autoresume found damaged and passed over, each with the name it is set
   * aside under (never deleted: the resumed run would otherwise replace it when it saves that step).
   */
  damaged: Array<{ path: string; aside: string }>;
  /** One line saying what --autoresume passed over and why; absent when nothing was. */
  note?: string;
}

/** Throws unless checkpoint `dir`'s config.json (already read: `saved`) is the run's model. */
export function checkSameModel(dir: string, saved: LlamaConfig, config: LlamaConfig): void {
  const want = JSON.stringify(toHfConfig(config));
  if (JSON.stringify(toHfConfig(saved)) !== want)
    throw new Error(
      `${join(dir, 'config.json')} describes another model than --model-config (${want})`,
    );
}

/** --resume-from `dir`: read and checked against the run; any fault throws. */
export function resumePointAt(
  dir: string,
  config: LlamaConfig,
  options: TrainerOptions,
): ResumePoint {
  checkSameModel(dir, readCheckpointConfig(dir), config);
  const checkpoint = readCheckpoint(dir);
  checkResumable(checkpoint.state, options, dir);
  return { dir, checkpoint, damaged: [] };
}

/** A name next to `path` that nothing has: `model_N.damaged`, else `model_N.damaged-2`, ... */
function asideName(path: string): string {
  let aside = `${path}.damaged`;
  for (let n = 2; existsSync(aside); n++) aside = `${path}.damaged-${n}`;
  return aside;
}

const firstLine = (error: unknown) => (error as Error).message.split('\n')[0] ?? '';

/**
 * --autoresume in `saveDir`: the newest checkpoint whose step metrics.jsonl reaches (checkpoints
 * past its last line are left by an interrupted resume from an earlier one, and resuming from them
 * would lose the log lines between) and that reads back whole. A damaged one (unreadable, torn, a
 * SHA-256 that differs) is passed over, to be set aside. A checkpoint of another model or run
 * options throws, as does a directory whose every checkpoint is damaged. Undefined without any
 * checkpoint: the run starts afresh.
 */
export function autoresumePoint(
  saveDir: string,
  config: LlamaConfig,
  options: TrainerOptions,
): ResumePoint | undefined {
  const all = listCheckpoints(join(saveDir, 'checkpoints'));
  if (all.length === 0) return undefined;
  const logged = readJsonl(join(saveDir, 'metrics.jsonl'))
    .map((r) => r.update_step)
    .filter((s): s is number => typeof s === 'number');
  const lastLogged = logged.length > 0 ? Math.max(...logged) : Number.POSITIVE_INFINITY;
  const reached = all.filter((c) => c.step <= lastLogged);
  const candidates = (reached.length > 0 ? reached : all).reverse();
  const past = all.filter((c) => !candidates.includes(c)).map((c) => basename(c.path));
  const damaged: Array<{ path: string; aside: string; why: string }> = [];
  // What reading a checkpoint throws is damage; another model or other options are not.
  const readOrPassOver = <T>(path: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      damaged.push({ path, aside: asideName(path), why: firstLine(error) });
      return undefined;
    }
  };
  for (const { path } of candidates) {
    const saved = readOrPassOver(path, () => readCheckpointConfig(path));
    if (!saved) continue;
    checkSameModel(path, saved, config);
    const checkpoint = readOrPassOver(path, () => readCheckpoint(path));
    if (!checkpoint) continue;
    checkResumable(checkpoint.state, options, path);
    const notes = [
      ...(past.length > 0
        ? [
            `${past.join(', ')}, past metrics.jsonl's last step ${lastLogged}, left by an interrupted resume from an earlier checkpoint, will be rewritten`,
          ]
        : []),
      ...damaged.map(
        (d) => `${basename(d.path)} is damaged (${d.why}); set aside as ${basename(d.aside)}`,
      ),
    ];
    return {
      dir: path,
      checkpoint,
      damaged: damaged.map(({ path, aside }) => ({ path, aside })),
      ...(notes.length > 0
        ? { note: `--autoresume: ${notes.join('; ')}; resuming from ${basename(path)}` }
        : {}),
    };
  }
  throw new Error(
    `no checkpoint in ${join(saveDir, 'checkpoints')} can be resumed: ${damaged.map((d) => d.why).join('; ')}`,
  );
}
