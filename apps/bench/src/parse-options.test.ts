// Option precedence (defaults < --quick < flags) and value validation.
import { describe, expect, it } from 'vitest';
import { BENCH_DEFAULTS, GPU_PRESETS, QUICK } from './options';
import { intList, modeList, peerName, positiveInt, resolveOptions } from './parse-options';

describe('resolveOptions', () => {
  it('uses the defaults, then --quick, then flags', () => {
    expect(resolveOptions({})).toEqual(BENCH_DEFAULTS);
    const quick = resolveOptions({ quick: true });
    expect(quick.presets).toEqual(QUICK.presets);
    expect(quick.seqLen).toBe(QUICK.seqLen);
    const flagged = resolveOptions({
      quick: true,
      presets: ['tiny'],
      steps: 3,
      backend: undefined,
    });
    expect(flagged.presets).toEqual(['tiny']);
    expect(flagged.steps).toBe(3);
    expect(flagged.vocabSize).toBe(QUICK.vocabSize);
  });

  it('adds the larger presets to the default matrix on tensorflow-gpu only', () => {
    expect(resolveOptions({ backend: 'tensorflow-gpu' }).presets).toEqual([
      ...BENCH_DEFAULTS.presets,
      ...GPU_PRESETS,
    ]);
    expect(resolveOptions({ backend: 'tensorflow-gpu', presets: ['9m'] }).presets).toEqual(['9m']);
    expect(resolveOptions({ backend: 'wasm' }).presets).toEqual(BENCH_DEFAULTS.presets);
  });
});

describe('--workers', () => {
  it('defaults to one thread and takes a list', () => {
    expect(resolveOptions({}).workers).toEqual([1]);
    expect(resolveOptions({ quick: true, workers: intList('1,2') }).workers).toEqual([1, 2]);
  });

  it('goes with one backend thread and with the wasm and cpu backends', () => {
    expect(resolveOptions({ workers: [1, 2], threads: [1] }).threads).toEqual([1]);
    expect(resolveOptions({ workers: [1, 2], backend: 'cpu' }).backend).toBe('cpu');
    expect(resolveOptions({ workers: [1], threads: [1, 2] }).threads).toEqual([1, 2]);
  });

  it('refuses workers > 1 with backend threads > 1, and on tensorflow backends', () => {
    expect(() => resolveOptions({ workers: [1, 2], threads: [1, 2] })).toThrow(
      /--workers 2 with --threads 2: data-parallel workers run one backend thread each/,
    );
    expect(() => resolveOptions({ workers: [2], backend: 'tensorflow' })).toThrow(
      /--workers 2: data-parallel workers run on the wasm or cpu backend, not tensorflow/,
    );
  });
});

describe('--peer and --python', () => {
  it('takes the torch peer, with or without an interpreter, and refuses --python alone', () => {
    expect(resolveOptions({ peer: 'torch' }).peer).toBe('torch');
    expect(resolveOptions({ peer: 'torch', python: '/usr/bin/python3' }).python).toBe(
      '/usr/bin/python3',
    );
    expect(resolveOptions({}).peer).toBeUndefined();
    expect(peerName('torch')).toBe('torch');
    expect(() => peerName('jax')).toThrow("expected one of torch, got 'jax'");
    expect(() => resolveOptions({ python: 'python3' })).toThrow(/give --peer torch too/);
  });
});

describe('value parsers', () => {
  it('accept good values and name what a bad one should be', () => {
    expect(intList('8, 32')).toEqual([8, 32]);
    expect(modeList('relora,full')).toEqual(['relora', 'full']);
    expect(() => positiveInt('0')).toThrow("expected a positive integer, got '0'");
    expect(() => intList('8,')).toThrow(/comma-separated list/);
    expect(() => modeList('dense')).toThrow(/among full, lora, relora/);
  });
});
