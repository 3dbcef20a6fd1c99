// Public API of @relora/trainer/node: the run directory and checkpoints on disk (Node only).

// Shared with relora-pretokenize's debris cleaning; exported here as before.
export { processAlive } from '@relora/data/node';
export {
  loadCheckpointWeights,
  readCheckpoint,
  readCheckpointConfig,
  readCheckpointState,
  resumeFromCheckpoint,
} from './node/checkpoint-reader';
export type { WriteCheckpointOptions } from './node/checkpoint-writer';
export {
  CHECKPOINT_FILES,
  cleanCheckpointDebris,
  listCheckpoints,
  METHOD_STATE_FILE,
  pruneCheckpoints,
  writeCheckpoint,
} from './node/checkpoint-writer';
export type { DataParallelOptions } from './node/data-parallel';
export { DataParallelGradients, dataParallelDefaults } from './node/data-parallel';
export { ReplicaMismatchError } from './node/data-parallel-replica-check';
export { DATA_PARALLEL_BACKENDS } from './node/data-parallel-threads';
export type { ThreadGroup } from './node/data-parallel-threads-communicator';
export {
  createThreadGroup,
  ThreadGroupAborted,
  ThreadsCommunicator,
} from './node/data-parallel-threads-communicator';
export { RunDirectory, readJsonl, writeFileAtomic, writeJsonAtomic } from './node/run-directory';
