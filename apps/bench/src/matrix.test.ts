// Matrix expansion: order, ranks per mode, skipped ranks, thread axis.
import { describe, expect, it } from 'vitest';
import { expandMatrix } from './matrix';
import type { ModelShape } from './model-shape';

const shape = (hiddenSize: number): ModelShape => ({
  vocabSize: 256,
  hiddenSize,
  intermediateSize: hiddenSize * 2,
  numLayers: 2,
  numHeads: 2,
});
const shapes = { a: shape(64), b: shape(16) };

describe('expandMatrix', () => {
  it('runs the methods after the LoRA modes, one case per rank, and none on data-parallel workers', () => {
    const { cases, skipped } = expandMatrix(
      {
        presets: ['a'],
        modes: ['cola', 'switchlora', 'fira', 'galore', 'full'],
        ranks: [8],
        threads: [],
        workers: [1, 2],
      },
      shapes,
    );
    expect(cases.map((c) => c.id)).toEqual([
      'a/full/w1',
      'a/full/w2',
      'a/galore-r8/w1',
      'a/fira-r8/w1',
      'a/switchlora-r8/w1',
      'a/cola-r8/w1',
    ]);
    expect(skipped.map((s) => s.id)).toEqual([
      'a/galore-r8/w2',
      'a/fira-r8/w2',
      'a/switchlora-r8/w2',
      'a/cola-r8/w2',
    ]);
    expect(skipped[0]?.reason).toMatch(/no data-parallel case/);
  });

  it('runs full once per preset and LoRA modes once per rank, in order', () => {
    const { cases, skipped } = expandMatrix(
      {
        presets: ['a'],
        modes: ['relora', 'full', 'lora'],
        ranks: [16, 8, 8],
        threads: [],
        workers: [1],
      },
      shapes,
    );
    expect(cases.map((c) => c.id)).toEqual([
      'a/full',
      'a/lora-r8',
      'a/lora-r16',
      'a/relora-r8',
      'a/relora-r16',
    ]);
    expect(cases[0]).toEqual({
      id: 'a/full',
      preset: 'a',
      mode: 'full',
      rank: null,
      threads: null,
      workers: 1,
    });
    expect(skipped).toEqual([]);
  });

  it('skips ranks that are not below the model width, saying why', () => {
    const { cases, skipped } = expandMatrix(
      { presets: ['b'], modes: ['lora'], ranks: [8, 16], threads: [], workers: [1] },
      shapes,
    );
    expect(cases.map((c) => c.id)).toEqual(['b/lora-r8']);
    expect(skipped).toEqual([{ id: 'b/lora-r16', reason: 'rank 16 >= hidden size 16' }]);
  });

  it('multiplies by thread counts', () => {
    const { cases } = expandMatrix(
      { presets: ['a', 'b'], modes: ['full'], ranks: [], threads: [1, 2], workers: [1] },
      shapes,
    );
    expect(cases.map((c) => c.id)).toEqual(['a/full/t1', 'a/full/t2', 'b/full/t1', 'b/full/t2']);
    expect(cases[1]?.threads).toBe(2);
  });

  it('multiplies by worker counts, naming them only when more than one thread is asked', () => {
    const { cases } = expandMatrix(
      { presets: ['a'], modes: ['full', 'relora'], ranks: [8], threads: [], workers: [2, 1, 2] },
      shapes,
    );
    expect(cases.map((c) => c.id)).toEqual([
      'a/full/w1',
      'a/full/w2',
      'a/relora-r8/w1',
      'a/relora-r8/w2',
    ]);
    expect(cases.map((c) => c.workers)).toEqual([1, 2, 1, 2]);
    const alone = expandMatrix(
      { presets: ['a'], modes: ['full'], ranks: [], threads: [1], workers: [2] },
      shapes,
    );
    expect(alone.cases.map((c) => c.id)).toEqual(['a/full/t1/w2']);
  });

  it('names an unknown preset', () => {
    expect(() =>
      expandMatrix(
        { presets: ['zz'], modes: ['full'], ranks: [], threads: [], workers: [1] },
        shapes,
      ),
    ).toThrow(/no shape for preset 'zz'/);
  });
});
