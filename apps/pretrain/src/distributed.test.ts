// --distributed: a single process unless an MPI launcher started this one (or mpi is asked for); quiet ranks.
import { describe, expect, it } from 'vitest';
import { rankOutput, startDistributed } from './distributed';
import { UsageError } from './parse-value';

describe('startDistributed', () => {
  it('starts no MPI in a plain process, in a Slurm batch shell, or with none', async () => {
    expect(await startDistributed('auto', {})).toBeUndefined();
    expect(
      await startDistributed('auto', { SLURM_NTASKS: '2', SLURM_PROCID: '0' }),
    ).toBeUndefined();
    expect(await startDistributed('none', { OMPI_COMM_WORLD_SIZE: '2' })).toBeUndefined();
  });

  it('refuses --distributed mpi in one line when libmpi does not load', async () => {
    const saved = process.env.RELORA_MPI_LIBRARY;
    process.env.RELORA_MPI_LIBRARY = '/nonexistent/libmpi.so.40';
    try {
      const started = startDistributed('mpi', {});
      await expect(started).rejects.toBeInstanceOf(UsageError);
      await expect(started).rejects.toThrow(
        /^--distributed: @relora\/mpi: no MPI library could be loaded: tried \/nonexistent\/libmpi\.so\.40 .*RELORA_MPI_LIBRARY/,
      );
    } finally {
      if (saved === undefined) delete process.env.RELORA_MPI_LIBRARY;
      else process.env.RELORA_MPI_LIBRARY = saved;
    }
  });
});

describe('rankOutput', () => {
  it('drops progress lines and names the rank on errors', () => {
    const lines: string[] = [];
    const out = rankOutput(
      { out: (l) => lines.push(`out ${l}`), err: (l) => lines.push(`err ${l}`) },
      3,
    );
    out.out('step 1/10');
    out.err('relora-pretrain: failed: boom');
    expect(lines).toEqual(['err [rank 3] relora-pretrain: failed: boom']);
  });
});
