// Public API of @relora/restarts.

export type {
  MergeableLayer,
  OptimizerResetFn,
  ReLoRAOptions,
  ResetCounts,
  ResetPolicy,
  RestartReport,
} from './relora-controller';
export { RELORA_DEFAULTS, ReLoRA } from './relora-controller';
export type {
  RestartDecision,
  RestartSchedulerOptions,
  RestartSchedulerState,
} from './restart-scheduler';
export { RestartScheduler } from './restart-scheduler';
