// The Communicator of @relora/core over MPI_COMM_WORLD: one process per rank, collectives in libmpi.
import type { Communicator } from '@relora/core';
import { detectMpiLaunch } from './launch-env';
import { loadMpiLibrary, MPI_THREAD_SERIALIZED, type MpiLibrary } from './library';

/** Options of {@link MpiCommunicator.init}. */
export interface MpiInitOptions {
  /** libmpi's file name or path. Default: `RELORA_MPI_LIBRARY`, else the usual sonames. */
  library?: string;
}

/** MPI's `int` count: one call moves at most this many floats. */
const MAX_COUNT = 2 ** 31 - 1;

let world: Promise<MpiCommunicator> | undefined;

/**
 * MPI_COMM_WORLD as a {@link Communicator}. The collectives run through koffi's asynchronous calls,
 * on a koffi worker thread, so the event loop (timers, signal handlers) keeps running while a rank
 * waits for the others; MPI is initialised with `MPI_THREAD_SERIALIZED` for that, and this class
 * keeps one call in flight (later calls queue behind it). Sums are libmpi's `MPI_SUM` of
 * `MPI_FLOAT`: float32 adds, in an order fixed for a given job size and placement.
 */
export class MpiCommunicator implements Communicator {
  readonly rank: number;
  readonly size: number;
  readonly localRank: number;
  /** The settled tail of the queue of collectives (one in flight at a time). */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly lib: MpiLibrary) {
    this.rank = lib.commRank();
    this.size = lib.commSize();
    this.localRank = detectMpiLaunch(process.env)?.localRank ?? 0;
  }

  /**
   * Loads libmpi and calls `MPI_Init_thread` once per process (later calls return the same
   * communicator). Outside a launcher this is MPI's singleton mode: one rank of one.
   */
  static init(options: MpiInitOptions = {}): Promise<MpiCommunicator> {
    world ??= loadMpiLibrary(options.library).then((lib) => {
      if (lib.initialized()) throw new Error('@relora/mpi: MPI was initialised by someone else');
      const provided = lib.initThread(MPI_THREAD_SERIALIZED);
      if (provided < MPI_THREAD_SERIALIZED) {
        lib.finalize();
        throw new Error(
          `@relora/mpi: ${lib.version} provides thread level ${provided}, MPI_THREAD_SERIALIZED (${MPI_THREAD_SERIALIZED}) is needed`,
        );
      }
      return new MpiCommunicator(lib);
    });
    world.catch(() => {
      world = undefined;
    });
    return world;
  }

  /** `Open MPI v4.1.4, ...` or MPICH's line: what the library says it is. */
  get version(): string {
    return this.lib.version;
  }

  allReduceSum(values: Float32Array): Promise<Float32Array> {
    return this.enqueue('allReduceSum', values, (done) => this.lib.allReduceSumAsync(values, done));
  }

  broadcast(values: Float32Array, root: number): Promise<Float32Array> {
    if (!Number.isInteger(root) || root < 0 || root >= this.size)
      throw new Error(
        `@relora/mpi: broadcast root must be a rank in [0, ${this.size}), got ${root}`,
      );
    return this.enqueue('broadcast', values, (done) => this.lib.broadcastAsync(values, root, done));
  }

  async barrier(): Promise<void> {
    await this.enqueue('barrier', new Float32Array(0), (done) => this.lib.barrierAsync(done));
  }

  /**
   * Waits for the queued collectives and calls `MPI_Finalize` (every rank must, before exiting 0:
   * Open MPI's launcher treats a rank that exits without it as failed). Idempotent.
   */
  async finalize(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail.catch(() => undefined);
    if (!this.lib.finalized()) this.lib.finalize();
  }

  /** Ends every rank of the job at once (`MPI_Abort`): for a failure the other ranks cannot see. */
  abort(code = 1): never {
    this.lib.abort(code);
    process.exit(code);
  }

  private enqueue(
    what: string,
    values: Float32Array,
    call: (done: (error: unknown, rc: number) => void) => void,
  ): Promise<Float32Array> {
    if (this.closed) throw new Error(`@relora/mpi: ${what} after finalize`);
    if (values.length > MAX_COUNT)
      throw new Error(
        `@relora/mpi: ${what} of ${values.length} floats; split it (at most ${MAX_COUNT})`,
      );
    // Small typed arrays may live inside V8's heap, which moves during garbage collection while the
    // call runs on koffi's thread; reading `.buffer` moves them to a fixed backing store first.
    void values.buffer;
    const run = () =>
      new Promise<Float32Array>((resolve, reject) =>
        call((error, rc) => {
          if (error) reject(error);
          else if (rc !== 0) reject(new Error(`@relora/mpi: ${what} failed (MPI error ${rc})`));
          else resolve(values);
        }),
      );
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
