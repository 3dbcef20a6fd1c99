// The method table: names, modes, option checks, and resumes of checkpoints from before `method` existed.
import { describe, expect, it } from 'vitest';
import { type CheckpointState, checkResumable } from '../checkpoint-state';
import { resolveTrainerOptions } from '../validate-options';
import { requireTrainingMethod, TRAINING_METHODS, trainingMethod } from './registry';

const SMALL = { numTrainingSteps: 20, relora: 10, warmupSteps: 2, scheduler: 'cosine' } as const;

function stateOf(options: ReturnType<typeof resolveTrainerOptions>): CheckpointState {
  return {
    version: 1,
    updateStep: 5,
    globalStep: 5,
    tokensSeen: 0,
    phase: 'full',
    schedulerStartStep: 0,
    nLoraRestarts: 0,
    nOptimizerResets: 0,
    restarts: null,
    dataCursor: { epoch: 0, position: 0 } as unknown as CheckpointState['dataCursor'],
    rng: { seed: 0, lora: {} },
    options,
  };
}

describe('TRAINING_METHODS', () => {
  it('names each method by its key and gives galore and fira the full mode', () => {
    for (const [name, method] of Object.entries(TRAINING_METHODS)) expect(method.name).toBe(name);
    expect(trainingMethod('galore')?.mode).toBe('full');
    expect(trainingMethod('fira')?.mode).toBe('full');
    expect(trainingMethod('relora')?.mode).toBe('relora');
    expect(trainingMethod('toString')).toBeUndefined();
  });

  it('resolves method from mode and mode from method', () => {
    expect(resolveTrainerOptions({ ...SMALL, mode: 'lora', relora: null }).method).toBe('lora');
    const galore = resolveTrainerOptions({ ...SMALL, method: 'galore', relora: null });
    expect(galore.mode).toBe('full');
    expect(() => resolveTrainerOptions({ method: 'adam' as never })).toThrow(
      'must be one of relora, galore, fira, switchlora, full, lora, cola, cola-m, sst, crnet, crnet-m, got adam',
    );
    expect(() =>
      resolveTrainerOptions({ ...SMALL, method: 'fira', relora: null, firaResidual: 'x' as never }),
    ).toThrow('must be code or paper, got x');
  });

  it('resumes a checkpoint from before `method` existed as its mode, and refuses another method', () => {
    const relora = resolveTrainerOptions({ ...SMALL, scheduler: 'cosine_restarts' });
    const legacy = stateOf(relora);
    const { method, rank, updateProjGap, galoreScale, projType, gamma, firaResidual, ...old } =
      legacy.options;
    legacy.options = old as typeof relora;
    expect(() => checkResumable(legacy, relora, 'ckpt')).not.toThrow();
    const galore = resolveTrainerOptions({ ...SMALL, method: 'galore', relora: null });
    expect(() => checkResumable(legacy, galore, 'ckpt')).toThrow(
      'ckpt: the checkpoint was trained with method = "relora", this run has "galore"',
    );
  });

  it('requireTrainingMethod returns the named method and refuses an unknown name in one line', () => {
    expect(requireTrainingMethod('crnet')).toBe(TRAINING_METHODS.crnet);
    expect(() => requireTrainingMethod('adam')).toThrow(
      /^unknown training method 'adam'; expected one of relora, .*crnet.*$/,
    );
  });
});
