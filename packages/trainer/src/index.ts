// Public API of @relora/trainer.
export { evaluateLoss } from './evaluate';
export type { EvalResult, EvalSource } from './evaluate';
export { TrainerEmitter } from './events';
export type { CheckpointEvent, EvalEvent, PhaseEvent, RestartEvent, StepEvent, TrainerEventMap } from './events';
export { learningRateAt } from './lr-schedule';
export { trainerDefaults } from './options';
export type { SchedulerName, TrainerOptions, TrainingMode } from './options';
export { accumulateGradients } from './train-step';
export type { AccumulatedGradients, Batch, LossModel } from './train-step';
export { Trainer } from './trainer';
export type { RunResult, TrainerInit, TrainerModel, TrainSource } from './trainer';
export { mergedWeights, optimizerState, restoreTrainer, trainingState } from './trainer-state';
export type { TrainerCheckpoint } from './trainer-state';
export { checkResumable, NonFiniteLossError, RESUME_INVARIANTS } from './training-state';
export type { LoraRngState, TrainingState } from './training-state';
export { OptionError, phaseSteps, resolveTrainerOptions } from './validate-options';
