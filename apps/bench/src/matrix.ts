// Expands presets x modes x ranks (x thread counts x data-parallel workers) into the cases to run.
import type { ModelShape } from './model-shape';
import { type BenchMode, PLAIN_MODES, TRAINING_MODES } from './options';

/** One benchmark case: one model in one mode, run in its own process. */
export interface BenchCase {
  /** Stable name, e.g. `9m/full`, `9m/relora-r32`, `9m/lora-r8/t2`, `demo/full/w2`. */
  id: string;
  preset: string;
  mode: BenchMode;
  /** Rank (LoRA, GaLore projection or CoLA factor rank); null in `full` mode. */
  rank: number | null;
  /** Backend threads; null means the backend's default. */
  threads: number | null;
  /** Data-parallel threads, each computing one whole micro-batch per update step; 1: no workers. */
  workers: number;
}

export interface MatrixSpec {
  presets: string[];
  modes: BenchMode[];
  ranks: number[];
  /** Thread counts to compare; empty means one run at the backend's default. */
  threads: number[];
  /** Data-parallel thread counts to compare; `[1]` (or empty) means no workers and no id suffix. */
  workers: number[];
}

export interface Matrix {
  cases: BenchCase[];
  /** Cases left out, with why (a rank that is not low-rank for the model). */
  skipped: Array<{ id: string; reason: string }>;
}

function caseId(
  preset: string,
  mode: BenchMode,
  rank: number | null,
  threads: number | null,
  workers: number | null,
): string {
  const parts = [preset, rank === null ? mode : `${mode}-r${rank}`];
  if (threads !== null) parts.push(`t${threads}`);
  if (workers !== null) parts.push(`w${workers}`);
  return parts.join('/');
}

/**
 * Cases in run order: preset by preset, `full` first, then each other mode (in `TRAINING_MODES`'s
 * order: lora, relora, galore, fira, switchlora, cola, cola-m, sst, crnet, crnet-m) for each rank, then
 * thread counts, then worker counts (ascending). `full` ignores ranks. A rank of at least the model
 * width is skipped: it is not low-rank. Ids name the workers only when more than one is asked.
 */
export function expandMatrix(spec: MatrixSpec, shapes: Record<string, ModelShape>): Matrix {
  const cases: BenchCase[] = [];
  const skipped: Matrix['skipped'] = [];
  const threadList: Array<number | null> = spec.threads.length > 0 ? spec.threads : [null];
  const workerList = [...new Set(spec.workers.length > 0 ? spec.workers : [1])].sort(
    (a, b) => a - b,
  );
  const namesWorkers = !(workerList.length === 1 && workerList[0] === 1);
  const modes = TRAINING_MODES.filter((m) => spec.modes.includes(m));
  const ranks = [...new Set(spec.ranks)].sort((a, b) => a - b);
  for (const preset of spec.presets) {
    const shape = shapes[preset];
    if (!shape) throw new Error(`expandMatrix: no shape for preset '${preset}'`);
    for (const mode of modes) {
      const modeRanks: Array<number | null> = mode === 'full' ? [null] : ranks;
      for (const rank of modeRanks) {
        for (const threads of threadList) {
          for (const workers of workerList) {
            const id = caseId(preset, mode, rank, threads, namesWorkers ? workers : null);
            if (rank !== null && rank >= shape.hiddenSize) {
              skipped.push({ id, reason: `rank ${rank} >= hidden size ${shape.hiddenSize}` });
            } else if (workers > 1 && !PLAIN_MODES.has(mode)) {
              skipped.push({
                id,
                reason: `${mode} has no data-parallel case (full, lora, relora)`,
              });
            } else {
              cases.push({ id, preset, mode, rank, threads, workers });
            }
          }
        }
      }
    }
  }
  return { cases, skipped };
}
