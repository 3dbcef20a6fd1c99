// Whether this process was started by an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx), read
// from the environment the launcher sets, before libmpi is loaded.

/** What the launcher told this process. */
export interface MpiLaunch {
  /** Which launcher's variables were found. */
  via: 'openmpi' | 'pmi' | 'pmix';
  /** This process's rank in the job, when the launcher says it. */
  rank?: number;
  /** Processes in the job, when the launcher says it. */
  size?: number;
  /** Rank among the job's processes on this machine (0 when the launcher does not say). */
  localRank: number;
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The MPI launch this environment describes, or `undefined` outside one: Open MPI's `mpirun` sets
 * `OMPI_COMM_WORLD_SIZE`/`_RANK`/`_LOCAL_RANK`; MPICH's Hydra and Slurm's `srun --mpi=pmi2` set
 * `PMI_SIZE`/`PMI_RANK`; PMIx launchers (`srun --mpi=pmix`, prterun) set `PMIX_RANK`. A Slurm
 * allocation alone (`SLURM_NTASKS` without PMI) is not a launch: a batch script's own shell has it.
 */
export function detectMpiLaunch(env: Record<string, string | undefined>): MpiLaunch | undefined {
  const localRank =
    int(env.OMPI_COMM_WORLD_LOCAL_RANK) ??
    int(env.MPI_LOCALRANKID) ??
    int(env.PMI_LOCAL_RANK) ??
    int(env.SLURM_LOCALID) ??
    0;
  const size = int(env.OMPI_COMM_WORLD_SIZE);
  if (size !== undefined)
    return { via: 'openmpi', rank: int(env.OMPI_COMM_WORLD_RANK), size, localRank };
  if (int(env.PMI_SIZE) !== undefined)
    return { via: 'pmi', rank: int(env.PMI_RANK), size: int(env.PMI_SIZE), localRank };
  if (int(env.PMIX_RANK) !== undefined)
    return { via: 'pmix', rank: int(env.PMIX_RANK), size: int(env.SLURM_NTASKS), localRank };
  return undefined;
}
