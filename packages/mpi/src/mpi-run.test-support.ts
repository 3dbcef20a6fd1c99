// Starting a program under Open MPI's mpirun from the tests (as root too), and whether one exists.
import { spawnSync } from 'node:child_process';

/** Why the mpirun tests skip here, or `undefined` when Open MPI's mpirun is on PATH. */
export function mpirunMissing(): string | undefined {
  const probe = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'mpirun is not on PATH (apt-get install openmpi-bin libopenmpi-dev)';
  if (!/Open MPI/i.test(`${probe.stdout}${probe.stderr}`)) return 'mpirun is not Open MPI';
  return undefined;
}

/** Runs `node --import tsx <script>` on `ranks` processes; exit status and output. */
export function mpirun(ranks: number, script: string, timeoutMs = 120_000) {
  const result = spawnSync(
    'mpirun',
    ['--oversubscribe', '-np', String(ranks), process.execPath, '--import', 'tsx', script],
    {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' },
    },
  );
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
