// A case's model and update for the methods of the trainer's registry, built as `Trainer` builds them.
import { createColaLlama } from '@relora/cola';
import { createCrNetLlama } from '@relora/crnet';
import { createLlama, type LlamaModel } from '@relora/llama';
import {
  type MethodOptimizer,
  resolveTrainerOptions,
  TRAINING_METHODS,
  type TrainerOptions,
} from '@relora/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import type { CaseSpec } from './case-schema';
import type { StepUpdate } from './timed-step';

/** The learning rate of every bench step (AdamW's in the plain modes too). */
export const BENCH_LR = 1e-3;

/**
 * GaLore/Fira's projector refresh period in the bench: past any warm-up and timed steps, so the
 * SVD runs once, at the first warm-up step, and the timed steps and the peak after warm-up are
 * steps that do not refresh (the refresh's transient buffers are left out; its state is not).
 */
export const NO_REFRESH_GAP = 1_000_000;

/** What `measureOneThread` steps for a method case. */
export interface MethodCase {
  model: LlamaModel;
  trainable: tf.Variable[];
  update: StepUpdate;
  /** Frees the method's optimizer state (the model is the caller's). */
  dispose(): void;
}

/** The trainer options of a method case: the method's recipe, the case's rank, the bench's lr. */
export function methodOptions(spec: CaseSpec): TrainerOptions {
  const { mode, rank } = spec.case;
  if (rank === null) throw new Error(`methodOptions: mode '${mode}' needs a rank`);
  const method = TRAINING_METHODS[mode];
  return resolveTrainerOptions({
    ...method.recipe,
    method: mode,
    rank,
    loraR: rank,
    lr: BENCH_LR,
    updateProjGap: NO_REFRESH_GAP,
    numTrainingSteps: NO_REFRESH_GAP,
    seed: spec.seed,
  });
}

/**
 * Builds the model (a CoLA model for cola and cola-m, a CR-Net model for crnet and crnet-m), lets the method prepare it and create its
 * optimizer, as `Trainer` does; each update applies the clipped gradients at {@link BENCH_LR}
 * and runs the method's `afterStep`.
 */
export function buildMethodCase(spec: CaseSpec): MethodCase {
  const { mode } = spec.case;
  const options = methodOptions(spec);
  const method = TRAINING_METHODS[mode];
  const model =
    mode === 'cola' || mode === 'cola-m'
      ? createColaLlama(
          spec.config,
          { rank: options.rank, recompute: mode === 'cola-m' },
          { seed: spec.seed },
        )
      : mode === 'crnet' || mode === 'crnet-m'
        ? createCrNetLlama(
            spec.config,
            { rank: options.rank, recompute: mode === 'crnet-m' },
            { seed: spec.seed },
          )
        : createLlama(spec.config, { seed: spec.seed });
  method.prepareModel?.(model, options);
  const trainable = model.namedParameters().filter(([, v]) => v.trainable);
  const optimizer: MethodOptimizer = method.create({ options, model, trainable });
  let updateStep = 0;
  return {
    model,
    trainable: trainable.map(([, v]) => v),
    update: {
      async applyGradients(grads) {
        await optimizer.applyGradients(grads, BENCH_LR);
        await optimizer.afterStep?.(updateStep++);
      },
    },
    dispose: () => optimizer.dispose(),
  };
}
