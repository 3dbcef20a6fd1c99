// `--peer torch` through the CLI: skipped with one line where there is no torch, ours/torch where there is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateResults } from './results-schema';

// Runs this source through tsx; the @relora/* packages load from their built dist.
const appDir = fileURLToPath(new URL('..', import.meta.url));
const TINY_FULL = ['--quick', '--presets', 'tiny', '--modes', 'full', '--rounds', '1'];
const FEW_STEPS = ['--steps', '2', '--warmup-steps', '1', '--warmup-sec', '0'];
const runCli = (args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', ...TINY_FULL, ...FEW_STEPS, ...args],
    {
      cwd: appDir,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
const readResults = (dir: string) =>
  validateResults(JSON.parse(readFileSync(join(dir, 'bench-results.json'), 'utf8')));

const hasTorch =
  spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

describe('relora-bench --peer torch', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'relora-bench-peer-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('says in one line that the peer was skipped, and runs the bench as without it', () => {
    const dir = join(outDir, 'skipped');
    const run = runCli(['--peer', 'torch', '--python', '/nonexistent/python3', '--out-dir', dir]);
    expect(run.status).toBe(0);
    const said = run.stderr.split('\n').filter((l) => /peer torch skipped/.test(l));
    expect(said).toEqual([
      'peer torch skipped: no python with torch (/nonexistent/python3: not found)',
    ]);
    const results = readResults(dir);
    expect(results.summary).toMatchObject({ cases: 1, failedCases: 0, checksFailed: 0 });
    expect(results.cases[0]?.peer).toBeNull();
    expect(results.environment.peer).toBeNull();
    expect(results.skipped).toContainEqual({
      id: 'peer torch',
      reason: 'no python with torch (/nonexistent/python3: not found)',
    });
    expect(run.stdout).not.toMatch(/ours\/torch/);
  });

  it.skipIf(!hasTorch)('runs the case in PyTorch too and reports ours / torch', () => {
    const dir = join(outDir, 'torch');
    const run = runCli(['--peer', 'torch', '--python', '/usr/bin/python3', '--out-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/torch tok\/s\s+ours\/torch/);
    const results = readResults(dir);
    const peer = results.cases[0]?.peer;
    expect(peer).toMatchObject({ status: 'ok', threads: 1, tokensPerStep: 8 * 64 });
    expect(peer?.stepMs?.n).toBe(2);
    expect(peer?.ratio).toBeCloseTo(
      results.cases[0]!.derived!.tokensPerSec.median / peer!.tokensPerSec!.median,
    );
    expect(results.environment.peer?.executable).toBe('/usr/bin/python3');
    expect(results.checks.filter((k) => k.name.startsWith('peer-params'))).toHaveLength(2);
    expect(results.summary.checksFailed).toBe(0);
  });
});
