// --method cola / cola-m: the run's model is @relora/cola's, and its checkpoints are CoLA directories.
import { type ColaModel, colaConfigFields, createColaLlama } from '@relora/cola';
import { createLlama, type LlamaConfig, type LlamaModel } from '@relora/llama';
import type { TrainerOptions } from '@relora/trainer';
import { UsageError } from './parse-value';

function colaMethod(trainer: TrainerOptions): boolean {
  return trainer.method === 'cola' || trainer.method === 'cola-m';
}

/** Refuses what a CoLA run cannot do, naming the flag: a rank above the width, several workers. */
export function checkColaRun(trainer: TrainerOptions, config: LlamaConfig, workers: number): void {
  if (!colaMethod(trainer)) return;
  if (trainer.rank > config.hiddenSize)
    throw new UsageError(
      `--rank: at most the model width (hidden_size ${config.hiddenSize}) with --method ${trainer.method}, got ${trainer.rank}`,
    );
  if (workers > 1)
    throw new UsageError(
      `--workers: --method ${trainer.method} trains in one process (data-parallel replicas build plain LLaMA models), got ${workers}`,
    );
}

/**
 * The run's model from `seed`: CoLA (every projection σ(x A) B at rank --rank; CoLA-M recomputes
 * σ(x A) in the backward; `only_lr_act` as the official configs per width) or a plain LLaMA.
 */
export function createRunModel(config: LlamaConfig, trainer: TrainerOptions): LlamaModel {
  if (!colaMethod(trainer)) return createLlama(config, { seed: trainer.seed });
  return createColaLlama(
    config,
    { rank: trainer.rank, recompute: trainer.method === 'cola-m' },
    { seed: trainer.seed },
  );
}

/** Extra config.json fields of a checkpoint of `model`: CoLA's rank and wiring, else none. */
export function checkpointConfigExtra(model: LlamaModel): Record<string, unknown> | undefined {
  const cola = (model as Partial<ColaModel>).cola;
  return cola ? colaConfigFields(cola) : undefined;
}
