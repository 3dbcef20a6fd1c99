// relora-pretrain across processes: whether this is an MPI job (--distributed), its communicator,
// and which rank writes (rank 0 logs and saves; the others train silently).
import { detectMpiLaunch, MpiCommunicator } from '@relora/mpi';
import { UsageError } from './parse-value';
import type { Output } from './progress';

/** This process's part in a multi-process run. */
export interface Distributed {
  communicator: MpiCommunicator;
  /** Rank 0: the one that writes the run directory and prints; the others only compute. */
  writer: boolean;
  /** Ends MPI cleanly; called by every rank after a successful run (a failed rank exits without it). */
  finalize(): Promise<void>;
}

/**
 * Starts MPI when `--distributed` asks for it: `mpi` always, `auto` when an MPI launcher's
 * variables are set (mpirun, mpiexec, srun with PMI or PMIx), `none` never. Returns `undefined`
 * for a single process.
 */
export async function startDistributed(
  mode: string,
  env: Record<string, string | undefined> = process.env,
): Promise<Distributed | undefined> {
  if (mode === 'none' || (mode === 'auto' && !detectMpiLaunch(env))) return undefined;
  let communicator: MpiCommunicator;
  try {
    // A single-process run never gets here: it loads neither koffi nor libmpi.
    communicator = await MpiCommunicator.init();
  } catch (error) {
    throw new UsageError(`--distributed: ${(error as Error).message}`);
  }
  return {
    communicator,
    writer: communicator.rank === 0,
    finalize: () => communicator.finalize(),
  };
}

/**
 * What a rank other than 0 prints: nothing of the run's progress (rank 0 shows it), errors with
 * the rank in front, so a failing rank says which it is.
 */
export function rankOutput(output: Output, rank: number): Output {
  return { out: () => {}, err: (line) => output.err(`[rank ${rank}] ${line}`) };
}
