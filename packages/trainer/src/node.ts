// Public API of @relora/trainer/node: the run directory and checkpoints on disk (Node only).
export {
  loadCheckpointWeights,
  readCheckpointConfig,
  readCheckpointState,
  resumeFromCheckpoint,
} from './node/checkpoint-reader';
export type { WriteCheckpointOptions } from './node/checkpoint-writer';
export {
  CHECKPOINT_FILES,
  cleanCheckpointDebris,
  listCheckpoints,
  processAlive,
  pruneCheckpoints,
  writeCheckpoint,
} from './node/checkpoint-writer';
export type { DataParallelOptions } from './node/data-parallel';
export { DataParallelGradients, dataParallelDefaults } from './node/data-parallel';
export { DATA_PARALLEL_BACKENDS } from './node/data-parallel-threads';
export { RunDirectory, readJsonl, writeFileAtomic, writeJsonAtomic } from './node/run-directory';
