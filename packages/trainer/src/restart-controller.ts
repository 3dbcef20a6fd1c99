// Builds the ReLoRA restart controller of a trainer: merge cadence, reset cadence and reset policy from the options.
import type { LoRAHandle } from '@relora/lora';
import { type AdamW, resetOptimizerState } from '@relora/optim';
import {
  ReLoRA,
  type ResetPolicy,
  RestartScheduler,
  type RestartSchedulerState,
} from '@relora/restarts';
import type { TrainerOptions } from './options';

/**
 * What the controller reads from its trainer (a `Trainer` satisfies it): structural, so that this
 * module need not import the trainer that builds the controller. `lora` and `optimizer` are read
 * at each restart, so the controller follows the trainer's current ones.
 */
export interface RestartHost {
  readonly options: TrainerOptions;
  readonly schedulerStartStep: number;
  readonly lora: LoRAHandle | undefined;
  readonly optimizer: AdamW;
}

function resetPolicy(trainer: RestartHost): ResetPolicy | undefined {
  const o = trainer.options;
  if (o.optimizerRandomPruning > 0)
    return { mode: 'random', ratio: o.optimizerRandomPruning, seed: o.seed };
  if (o.optimizerMagnitudePruning > 0)
    return { mode: 'magnitude', ratio: o.optimizerMagnitudePruning, seed: o.seed };
  if (o.resetOptimizerOnRelora) return { mode: 'zero', seed: o.seed };
  return undefined;
}

/**
 * The controller merges every `relora` steps and resets the LoRA moments every `cycleLength`
 * steps after `schedulerStartStep` (the reference's `(update_step - scheduler_start_step) % n == 1`
 * after the increment). Without a reset policy (all three reset options off) moments are kept.
 * `state` continues a saved cadence.
 */
export function createRestartController(
  trainer: RestartHost,
  state?: RestartSchedulerState,
): ReLoRA {
  const o = trainer.options;
  const scheduler = state
    ? RestartScheduler.fromState(state)
    : new RestartScheduler({
        reloraEvery: o.relora ?? 0,
        cycleLength: o.cycleLength ?? o.relora ?? 0,
        startStep: trainer.schedulerStartStep,
      });
  const policy = resetPolicy(trainer);
  return new ReLoRA({
    layers: () => [...(trainer.lora?.layers.values() ?? [])],
    scheduler,
    policy: policy ?? { mode: 'zero' },
    // Pruning reads the moments back: a promise the controller waits for before the next step.
    resetOptimizer: (p) => {
      if (!policy || !trainer.lora) return { zeroed: 0, total: 0 };
      const variables = trainer.lora.loraParameters().map(([, v]) => v);
      return resetOptimizerState(trainer.optimizer, variables, {
        ...p,
        mask: trainer.options.optimizerPruningMask,
      });
    },
  });
}
