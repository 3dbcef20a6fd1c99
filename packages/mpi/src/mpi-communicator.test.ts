// MpiCommunicator under a real mpirun: sums, broadcasts and a barrier agree on every rank.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mpirun, mpirunMissing } from './mpi-run.test-support';

const missing = mpirunMissing();
const job = fileURLToPath(new URL('./mpi-job.test-support.ts', import.meta.url));

describe.skipIf(missing)(
  `MpiCommunicator under mpirun${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it.each([1, 2, 3])('%i ranks all-reduce, broadcast and meet at a barrier', (ranks) => {
      const { status, stdout, stderr } = mpirun(ranks, job);
      expect(status, stderr).toBe(0);
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.rank).sort()).toEqual(Array.from({ length: ranks }, (_, i) => i));
      const total = (ranks * (ranks + 1)) / 2;
      let tenth = 0;
      for (let r = 0; r < ranks; r++) tenth = Math.fround(tenth + Math.fround(0.1));
      for (const line of lines) {
        expect(line.size).toBe(ranks);
        expect(line.version).toMatch(/Open MPI/);
        expect(line.sum).toEqual([total, tenth, -((ranks * (ranks - 1)) / 2) || 0]);
        expect([line.bigFirst, line.bigLast]).toEqual([total, total]);
        expect(line.root).toEqual([ranks - 1, 2 * (ranks - 1)]);
      }
    });
  },
);
