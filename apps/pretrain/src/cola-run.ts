// --method cola / cola-m / crnet / crnet-m: the run's model is @relora/cola's or @relora/crnet's, and
// its checkpoints are CoLA or CR-Net directories.
import { type ColaModel, colaConfigFields, createColaLlama } from '@relora/cola';
import { type CrNetModel, createCrNetLlama, crnetConfigFields } from '@relora/crnet';
import { createLlama, type LlamaConfig, type LlamaModel } from '@relora/llama';
import type { TrainerOptions } from '@relora/trainer';
import { UsageError } from './parse-value';

function colaMethod(trainer: TrainerOptions): boolean {
  return trainer.method === 'cola' || trainer.method === 'cola-m';
}

function crnetMethod(trainer: TrainerOptions): boolean {
  return trainer.method === 'crnet' || trainer.method === 'crnet-m';
}

/** Refuses what a CoLA or CR-Net run cannot do, naming the flag: a rank above the width, several workers. */
export function checkColaRun(trainer: TrainerOptions, config: LlamaConfig, workers: number): void {
  if (!colaMethod(trainer) && !crnetMethod(trainer)) return;
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
  if (crnetMethod(trainer)) {
    // CR-Net: block 1 full-rank, later projections c·Y_{l-1} + X A B at rank --rank; crnet-m
    // rebuilds Y_{l-1} in the backward. Inits as @relora/crnet's defaults (unofficial).
    return createCrNetLlama(
      config,
      { rank: trainer.rank, recompute: trainer.method === 'crnet-m' },
      { seed: trainer.seed },
    );
  }
  if (!colaMethod(trainer)) return createLlama(config, { seed: trainer.seed });
  return createColaLlama(
    config,
    { rank: trainer.rank, recompute: trainer.method === 'cola-m' },
    { seed: trainer.seed },
  );
}

/** Extra config.json fields of a checkpoint of `model`: CoLA's rank and wiring, CR-Net's rank, else none. */
export function checkpointConfigExtra(model: LlamaModel): Record<string, unknown> | undefined {
  const cola = (model as Partial<ColaModel>).cola;
  if (cola) return colaConfigFields(cola);
  const crnet = (model as Partial<CrNetModel>).crnet;
  return crnet ? crnetConfigFields(crnet) : undefined;
}
