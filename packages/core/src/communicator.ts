// The collective-communication seam of data-parallel training: worker threads in one process and
// MPI ranks across processes both satisfy it, so the trainer's step does not know which it talks to.

/**
 * A fixed group of participants (threads or processes) that run the same program on different
 * data and meet in collective calls. Every participant must make the same collective calls in the
 * same order with arrays of the same length; a participant that skips one blocks the others (an
 * MPI job is then ended by its launcher). One collective at a time: the next call waits for the
 * previous one to settle.
 */
export interface Communicator {
  /** This participant's index, 0 ≤ rank < size; rank 0 is the one that logs and saves. */
  readonly rank: number;
  /** Participants in the group. */
  readonly size: number;
  /** Index among the participants on this machine (picks a GPU or a core set); 0 when alone. */
  readonly localRank: number;
  /**
   * Sums `values` element-wise over all participants, in float32, and writes the sum into `values`
   * on every participant (in place); resolves with `values`. The order in which the participants'
   * arrays are added is fixed for a given group, so repeated calls give the same bits.
   */
  allReduceSum(values: Float32Array): Promise<Float32Array>;
  /** Copies rank `root`'s `values` into every participant's `values` (in place); resolves with it. */
  broadcast(values: Float32Array, root: number): Promise<Float32Array>;
  /** Resolves once every participant has called it. */
  barrier(): Promise<void>;
}
