// detectMpiLaunch reads Open MPI's, PMI's and PMIx's variables and ignores a bare Slurm allocation.
import { describe, expect, it } from 'vitest';
import { detectMpiLaunch } from './launch-env';

describe('detectMpiLaunch', () => {
  it.each([
    [
      'Open MPI',
      { OMPI_COMM_WORLD_SIZE: '4', OMPI_COMM_WORLD_RANK: '2', OMPI_COMM_WORLD_LOCAL_RANK: '0' },
      { via: 'openmpi', rank: 2, size: 4, localRank: 0 },
    ],
    [
      'PMI (Hydra, srun --mpi=pmi2)',
      { PMI_SIZE: '2', PMI_RANK: '1', SLURM_LOCALID: '1' },
      { via: 'pmi', rank: 1, size: 2, localRank: 1 },
    ],
    [
      'PMIx (srun --mpi=pmix)',
      { PMIX_RANK: '3', SLURM_NTASKS: '8', SLURM_LOCALID: '3' },
      { via: 'pmix', rank: 3, size: 8, localRank: 3 },
    ],
  ])('reads %s', (_, env, expected) => {
    expect(detectMpiLaunch(env)).toEqual(expected);
  });

  it('sees no launch in a plain shell or a Slurm batch script', () => {
    expect(detectMpiLaunch({})).toBeUndefined();
    expect(detectMpiLaunch({ SLURM_NTASKS: '4', SLURM_PROCID: '0' })).toBeUndefined();
  });
});
