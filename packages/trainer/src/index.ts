// Public API of @relora/trainer.

export type { CheckpointSource, CheckpointState, TrainerCheckpoint } from './checkpoint-state';
export {
  captureCheckpointState,
  checkResumable,
  mergedWeights,
  methodState,
  optimizerState,
  RESUME_INVARIANTS,
} from './checkpoint-state';
export { DeviceError, NonFiniteLossError } from './errors';
export type { EvalResult, EvalSource } from './evaluate';
export { evaluateLoss } from './evaluate';
export type {
  CheckpointEvent,
  EvalEvent,
  PhaseEvent,
  RestartEvent,
  StallEvent,
  StepEvent,
  TrainerEventMap,
} from './events';
export { STALL_STEPS, TrainerEmitter } from './events';
export { learningRateAt } from './lr-schedule';
export { adamwMethod, adamwOptimizer } from './methods/adamw-method';
export { FIRA_METHOD, GALORE_METHOD } from './methods/galore-method';
export type { MethodName } from './methods/registry';
export { requireTrainingMethod, TRAINING_METHODS, trainingMethod } from './methods/registry';
export { SWITCHLORA_METHOD } from './methods/switchlora-method';
export type {
  MethodContext,
  MethodModel,
  MethodOptimizer,
  MethodState,
  NamedVariables,
  OptionProblem,
  TrainingMethod,
} from './methods/training-method';
export type { SchedulerName, TrainerOptions, TrainingMode } from './options';
export { TRAINER_DEFAULTS } from './options';
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
export { OptionError, phaseSteps, resolveTrainerOptions } from './validate-options';
