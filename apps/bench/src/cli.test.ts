// Smoke test: the CLI runs `--quick` on the tiniest preset, one child per mode, and writes valid JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateResults } from './results-schema';

// Where Dawn finds a software WebGPU adapter (CI installs Mesa's lavapipe), the --quick GPU
// matrix runs too, in its tiny form; on a hardware adapter it is the 60m and 130m presets, which a
// test does not run. The adapter is probed in a child process: with dawn.node loaded, this test
// process sometimes died at exit (vitest: "Worker exited unexpectedly") and took its results along.
const appDir = fileURLToPath(new URL('..', import.meta.url));
const PROBE = `import { initBackend, releaseBackend } from '@relora/backend';
const info = await initBackend({ prefer: 'webgpu' });
console.log(JSON.stringify({ software: info.adapter?.software ?? false }));
releaseBackend();`;
const probe = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
  cwd: appDir,
  encoding: 'utf8',
  timeout: 120_000,
});
const noWebGpu =
  probe.status !== 0
    ? (probe.stderr.split('\n').find((line) => line.trim()) ?? `probe exited ${probe.status}`)
    : JSON.parse(probe.stdout.trim().split('\n').at(-1) ?? '{}').software
      ? undefined
      : 'a hardware adapter: its --quick GPU matrix is 60m and 130m, no test';

// Runs this source through tsx; the @relora/* packages load from their built dist.
const runCli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: appDir,
    encoding: 'utf8',
    timeout: 240_000,
    env,
  });

/** The validated `bench-results.json` a run wrote to `dir`. */
const readResults = (dir: string) =>
  validateResults(JSON.parse(readFileSync(join(dir, 'bench-results.json'), 'utf8')));

describe('relora-bench CLI', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'relora-bench-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs --quick on the tiny preset and writes results that pass their own checks', () => {
    const args = [
      '--quick',
      '--presets',
      'tiny',
      '--rounds',
      '1',
      '--steps',
      '2',
      '--warmup-steps',
      '1',
      '--warmup-sec',
      '0',
    ];
    const run = runCli([...args, '--restart-repeats', '2', '--out-dir', outDir]);
    expect(run.stderr).not.toMatch(/FAILED|Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^case .* checks$/m);

    const results = readResults(outDir);
    expect(results.cases.map((c) => c.id)).toEqual([
      'tiny/full',
      'tiny/lora-r32',
      'tiny/relora-r32',
    ]);
    expect(results.summary).toMatchObject({ cases: 3, failedCases: 0, checksFailed: 0 });
    expect(results.environment.cpuCount).toBeGreaterThan(0);
    for (const c of results.cases) {
      expect(c.measured?.timing.stepMs.n).toBe(2);
      expect(c.measured?.warmupStepsRun).toBe(1);
      expect(c.measured?.params).toEqual(c.analytical.params);
      expect(Number.isFinite(c.measured?.loss.last)).toBe(true);
      expect(c.derived?.tokensPerStep).toBe(8 * 64);
    }
    const relora = results.cases[2]!;
    expect(relora.measured?.timing.mergeMs?.n).toBe(2);
    expect(relora.measured?.reset?.zeroed).toBeGreaterThan(0);
    expect(relora.derived?.amortizedStepMs).not.toBeNull();
    for (const file of ['bench-memory.svg', 'bench-throughput.svg', 'bench-report.html']) {
      expect(existsSync(join(outDir, file))).toBe(true);
    }
  });

  it('runs galore, fira, switchlora, cola and sst on the tiny preset with their memory checks passing', () => {
    const methodsDir = join(outDir, 'methods');
    const args = ['--quick', '--presets', 'tiny', '--modes', 'galore,fira,switchlora,cola,sst'];
    const few = ['--rounds', '1', '--steps', '2', '--warmup-steps', '1', '--warmup-sec', '0'];
    const run = runCli([...args, ...few, '--out-dir', methodsDir]);
    expect(run.stderr).not.toMatch(/FAILED|Error/);
    expect(run.status).toBe(0);

    const results = readResults(methodsDir);
    expect(results.cases.map((c) => c.id)).toEqual([
      'tiny/galore-r32',
      'tiny/fira-r32',
      'tiny/switchlora-r32',
      'tiny/cola-r32',
      'tiny/sst-r32',
    ]);
    expect(results.summary).toMatchObject({ cases: 5, failedCases: 0, checksFailed: 0 });
    for (const c of results.cases) {
      const resident = results.checks.find((k) => k.caseId === c.id && k.name === 'resident-bytes');
      // exact: the bench's GaLore never refreshes after warm-up, and no method keeps a temporary
      expect(resident?.measured).toBe(resident?.expected);
      expect(c.measured?.params).toEqual(c.analytical.params);
      expect(Number.isFinite(c.measured?.loss.last)).toBe(true);
    }
    expect(results.cases[2]?.analytical.bytes.state).toBeGreaterThan(0); // the candidate pools
    expect(results.cases[4]?.analytical.bytes.state).toBeGreaterThan(0); // SST's pair masks
    expect(results.flopsFormula).toMatch(/galoreStateElements/);
    expect(results.flopsFormula).toMatch(/sstStateElements/);
    expect(run.stdout).toMatch(/\bstate\b/);
  });

  it('runs a case on two data-parallel threads, with its weak scaling and two-thread ceiling', () => {
    const dir = join(outDir, 'workers');
    const args = ['--quick', '--presets', 'tiny', '--modes', 'full', '--workers', '1,2'];
    const run = runCli([
      ...args,
      '--rounds',
      '1',
      '--steps',
      '2',
      '--warmup-steps',
      '1',
      '--warmup-sec',
      '0',
      '--out-dir',
      dir,
    ]);
    expect(run.stderr).not.toMatch(/FAILED|Error/);
    expect(run.status).toBe(0);
    const results = readResults(dir);
    expect(results.cases.map((c) => [c.id, c.workers])).toEqual([
      ['tiny/full/w1', 1],
      ['tiny/full/w2', 2],
    ]);
    expect(results.summary).toMatchObject({ cases: 2, failedCases: 0, checksFailed: 0 });
    const [one, two] = results.cases;
    expect(one?.measured?.twoThreadCeiling).toBeNull();
    expect(two?.derived?.tokensPerStep).toBe(2 * 8 * 64);
    expect(two?.measured?.timing.stepMs.n).toBe(2);
    expect(two?.measured?.timing.forwardMs).toBeNull();
    expect(two?.measured?.params).toEqual(two?.analytical.params);
    expect(two?.measured?.twoThreadCeiling?.map((k) => k.at)).toEqual([
      'before-steps',
      'after-steps',
    ]);
    const weak = results.comparisons.find((k) => k.name.startsWith('data-parallel-weak-scaling'));
    expect(weak).toMatchObject({ caseId: 'tiny/full/w2', baselineId: 'tiny/full/w1' });
    // Two workers do twice the tokens per step: the tokens/s ratio is above 0 and at most ~2.
    expect(weak?.ratio).toBeGreaterThan(0);
    expect(weak?.ratio).toBeLessThan(2.5);
    expect(run.stdout).toMatch(/two-thread ceiling tiny\/full\/w2: latency loop/);
  });

  describe.skipIf(noWebGpu !== undefined)(
    `on webgpu${noWebGpu ? ` (skipped: ${noWebGpu})` : ''}`,
    () => {
      // issue 18: the GPU matrix with --quick, end to end; a software adapter runs its tiny form
      it('runs the --quick GPU matrix: every mode, GPU buffers checked, dispatches and syncs counted', () => {
        const dir = join(outDir, 'webgpu');
        const run = runCli(['--backend', 'webgpu', '--quick', '--out-dir', dir]);
        expect(run.stderr).not.toMatch(/FAILED|Error/);
        expect(run.status).toBe(0);
        expect(run.stderr).toMatch(/^GPU \S.*: (a software adapter|batch sizes)/m);
        expect(run.stderr).toMatch(/tiny\/relora-r32: backend webgpu on \S/);
        expect(run.stderr).toMatch(/tiny\/full: per step \d+ dispatches, \d+ submits, 1 sync\(s\)/);
        expect(run.stdout).toMatch(/^case .* disp\/step\s+syncs\/step\s+checks$/m);
        expect(run.stdout).toMatch(/measured memory on webgpu: the backend's own count/);
        const results = readResults(dir);
        expect(results.cases.map((c) => c.id)).toEqual([
          'tiny/full',
          'tiny/lora-r32',
          'tiny/relora-r32',
        ]);
        expect(results.summary).toMatchObject({ cases: 3, failedCases: 0, checksFailed: 0 });
        const resident = results.checks.filter((k) => k.name === 'resident-bytes');
        expect(resident).toHaveLength(3);
        for (const k of resident) expect(k).toMatchObject({ ok: true, measured: k.expected });
        for (const c of results.cases) {
          const measured = c.measured!;
          expect(measured.backend).toMatchObject({ name: 'webgpu', adapter: expect.any(String) });
          expect(measured.memory.accounting).toBe('gpu-buffers');
          expect(measured.memory.gpuBytes).toBeGreaterThan(0);
          // the trainer's step waits once, for the logged loss and norm
          expect(measured.gpuWork?.syncs).toBe(1);
          expect(measured.gpuWork?.dispatches).toBeGreaterThan(100);
          // one AdamW dispatch per trainable tensor (PERF-LOG.md, WebGPU 2): tiny's 2 layers of 9,
          // embedding, final norm, head; LoRA freezes the 14 projections and adds 28 factors
          const tensors = c.mode === 'full' ? 21 : 35;
          expect(measured.gpuWork?.byProgram.relora_adamw).toBe(tensors);
        }
        expect(results.environment.gpu).toBe(results.cases[0]?.measured?.backend.adapter);
      });
    },
  );

  it.skipIf(process.platform !== 'linux')(
    '--backend webgpu without an adapter: one line saying why, exit code 1, nothing run',
    () => {
      // Vulkan's loader told to look for drivers where there are none: no adapter at all
      const nowhere = join(outDir, 'no-such-icd.json');
      const env = { ...process.env, VK_DRIVER_FILES: nowhere, VK_ICD_FILENAMES: nowhere };
      const run = runCli(
        ['--backend', 'webgpu', '--quick', '--out-dir', join(outDir, 'none')],
        env,
      );
      expect(run.status).toBe(1);
      const lines = run.stderr.split('\n').filter((l) => l.startsWith('relora-bench:'));
      expect(lines).toEqual([
        expect.stringMatching(/^relora-bench: --backend webgpu: no WebGPU adapter: /),
      ]);
      expect(existsSync(join(outDir, 'none'))).toBe(false);
    },
  );

  it('refuses data-parallel workers on webgpu, exit code 2', () => {
    const run = runCli(['--backend', 'webgpu', '--workers', '1,2']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/data-parallel workers run on the wasm or cpu backend, not webgpu/);
  });

  it('refuses data-parallel workers with backend threads, exit code 2', () => {
    const run = runCli(['--workers', '1,2', '--threads', '2']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--workers 2 with --threads 2/);
  });

  it('rejects a bad option with exit code 2 and says what was expected', () => {
    const run = runCli(['--modes', 'full,dense']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /--modes.*expected modes among full, lora, relora, galore, fira, switchlora, cola, cola-m, sst, crnet, crnet-m, got 'dense'/,
    );
  });
});
