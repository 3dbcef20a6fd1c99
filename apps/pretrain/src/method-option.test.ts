// --method and the GaLore/Fira options of relora-pretrain: derived mode and recipe, official names, one-line errors.
import { describe, expect, it } from 'vitest';
import { parseArgs } from './parse-args';
import { UsageError } from './parse-value';
import { resolveConfig } from './resolve-config';

function resolve(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return resolveConfig(parsed.flags, new Date('2026-01-02T03:04:05Z'));
}

describe('--method', () => {
  it('galore and fira train full-rank, without warm start or restarts, on one cosine cycle', () => {
    for (const method of ['galore', 'fira']) {
      const { trainer } = resolve(['--method', method]);
      expect(trainer).toMatchObject({
        method,
        mode: 'full',
        warmStartSteps: 0,
        relora: null,
        scheduler: 'cosine',
      });
    }
  });

  it("takes the official code's option names and keeps an explicit scheduler", () => {
    const { trainer, values } = resolve([
      '--method',
      'fira',
      '--rank',
      '16',
      '--update_proj_gap',
      '200',
      '--galore_scale',
      '0.0625',
      '--proj_type',
      'std',
      '--gamma',
      '1.1',
      '--scheduler',
      'linear',
    ]);
    expect(trainer).toMatchObject({
      rank: 16,
      updateProjGap: 200,
      galoreScale: 0.0625,
      projType: 'std',
      gamma: 1.1,
      scheduler: 'linear',
    });
    expect(values.method).toBe('fira');
  });

  it('relora, full and lora set the mode as --mode does; no --method keeps the mode', () => {
    expect(resolve(['--method', 'full', '--scheduler', 'cosine']).trainer.mode).toBe('full');
    expect(resolve(['--method', 'lora', '--scheduler', 'cosine']).trainer.mode).toBe('lora');
    const plain = resolve([]).trainer;
    expect(plain).toMatchObject({ mode: 'relora', method: 'relora' });
  });

  it('refuses bad values with one line naming the flag', () => {
    expect(() => resolve(['--method', 'galore', '--rank', '0'])).toThrow(
      new UsageError('--rank: must be an integer >= 1, got 0'),
    );
    expect(() => resolve(['--method', 'fira', '--gamma', '0.5'])).toThrow(
      new UsageError('--gamma: must be a number >= 1, got 0.5'),
    );
    expect(() => resolve(['--method', 'sgd'])).toThrow(UsageError);
  });
});
