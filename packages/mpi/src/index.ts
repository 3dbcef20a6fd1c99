// Public API of @relora/mpi: MPI_COMM_WORLD as @relora/core's Communicator, through koffi (Node only).
export type { MpiLaunch } from './launch-env';
export { detectMpiLaunch } from './launch-env';
export type { MpiFlavour, MpiLibrary } from './library';
export { loadMpiLibrary, MPI_LIBRARY_CANDIDATES } from './library';
export type { MpiInitOptions } from './mpi-communicator';
export { MpiCommunicator } from './mpi-communicator';
