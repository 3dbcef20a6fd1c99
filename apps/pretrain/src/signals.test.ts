// Signals: in a real process the CLI finishes the update step, saves a checkpoint and exits 0; the
// handlers' phases (start-up, saving, after the loop) with an injected exit.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trainer } from '@relora/trainer';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNAL_EXIT, StopSignals } from './signals';
import { spawnCli, tinyArgs, writeTinyModelConfig } from './tiny-run.test-support';

it.each([
  'SIGINT',
  'SIGHUP',
] as const)('stops on %s after the current step, saves, and exits 0', async (signal) => {
  const root = mkdtempSync(join(tmpdir(), 'relora-sigint-'));
  const saveDir = join(root, 'run');
  const flags = tinyArgs(
    writeTinyModelConfig(root),
    `--num_training_steps 400 --warm-start-steps 0 --relora 100 --eval_every 0 --save_every 1000 --log-every 1 --save_dir ${saveDir}`,
  );
  const child = spawnCli(flags, { tmp: root });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (!signalled && /step 2\/400/.test(stdout)) {
      signalled = true;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(stderr, stdout).not.toMatch(/error|failed/i);
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  const match = /stopped by signal after update step (\d+)/.exec(stdout);
  expect(match).not.toBeNull();
  const step = Number(match?.[1]);
  expect(step).toBeGreaterThanOrEqual(2);
  expect(step).toBeLessThan(400);
  const checkpoint = join(saveDir, 'checkpoints', `model_${step}`);
  expect(JSON.parse(readFileSync(join(checkpoint, 'training_state.json'), 'utf8')).updateStep).toBe(
    step,
  );
  expect(existsSync(join(checkpoint, 'model.safetensors'))).toBe(true);
  expect(stdout).toContain(`--resume-from ${checkpoint}`);
  expect(stderr + stdout).toContain(`${signal}: stopping after the current update step`);
});

describe('StopSignals', () => {
  let signals: StopSignals | undefined;
  afterEach(() => signals?.dispose());

  /** Handlers with an exit that throws (so the test sees the code) and their lines. */
  function install() {
    const lines: string[] = [];
    const exits: number[] = [];
    signals = new StopSignals(
      (line) => lines.push(line),
      (code) => {
        exits.push(code);
        throw new Error(`exit ${code}`);
      },
    );
    return { lines, exits, signals };
  }
  const send = (signal: NodeJS.Signals) => {
    try {
      process.emit(signal, signal);
    } catch {
      // the injected exit
    }
  };
  const fakeTrainer = () => {
    const trainer = { stopped: 0, updateStep: 3, stop: () => trainer.stopped++ };
    return trainer;
  };

  it('exits during start-up with 128 + the signal number, after the clean-ups', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const { lines, exits, signals: s } = install();
      const cleaned: string[] = [];
      s.onExit(() => cleaned.push('unlock'));
      send(signal);
      expect(exits).toEqual([SIGNAL_EXIT[signal]]);
      expect(lines).toEqual([`${signal} during start-up: exiting, nothing written`]);
      expect(cleaned).toEqual(['unlock']);
      s.dispose();
    }
    expect(SIGNAL_EXIT).toEqual({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 });
  });

  it('stops the trainer, waits for a save in progress, and exits on a second signal otherwise', async () => {
    const { lines, exits, signals: s } = install();
    const trainer = fakeTrainer();
    s.training(trainer as unknown as Trainer);
    send('SIGTERM');
    expect(trainer.stopped).toBe(1);
    expect(exits).toEqual([]);
    let finish = () => {};
    const saving = s.saving(() => new Promise<string>((done) => (finish = () => done('saved'))));
    send('SIGTERM');
    send('SIGINT');
    expect(exits).toEqual([]);
    expect(lines.slice(1)).toEqual(['SIGTERM: saving, please wait', 'SIGINT: saving, please wait']);
    finish();
    expect(await saving).toBe('saved');
    send('SIGTERM');
    expect(exits).toEqual([143]);
    expect(lines.at(-1)).toBe('SIGTERM again: exiting without saving');
  });

  it('after the loop, skips the rest and exits', () => {
    const { lines, exits, signals: s } = install();
    s.training(fakeTrainer() as unknown as Trainer);
    s.afterTraining();
    send('SIGHUP');
    expect(exits).toEqual([129]);
    expect(lines).toEqual([
      "SIGHUP: skipping the rest (report, sample); the run's checkpoints are intact",
    ]);
  });
});
