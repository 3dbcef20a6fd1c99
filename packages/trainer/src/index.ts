// Public API of @relora/trainer.

export type { EvalResult, EvalSource } from './evaluate';
export { evaluateLoss } from './evaluate';
export type {
  CheckpointEvent,
  EvalEvent,
  PhaseEvent,
  RestartEvent,
  StepEvent,
  TrainerEventMap,
} from './events';
export { TrainerEmitter } from './events';
export { learningRateAt } from './lr-schedule';
export type { SchedulerName, TrainerOptions, TrainingMode } from './options';
export { trainerDefaults } from './options';
export type { AccumulatedGradients, Batch, LossModel } from './train-step';
export { accumulateGradients } from './train-step';
export type {
  GradientSource,
  RunResult,
  TrainerInit,
  TrainerModel,
  TrainSource,
} from './trainer';
export { Trainer } from './trainer';
export type { TrainerCheckpoint } from './trainer-state';
export { mergedWeights, optimizerState, restoreTrainer, trainingState } from './trainer-state';
export type { LoraRngState, TrainingState } from './training-state';
export { checkResumable, NonFiniteLossError, RESUME_INVARIANTS } from './training-state';
export { OptionError, phaseSteps, resolveTrainerOptions } from './validate-options';
