// The demo's settings: defaults, URL overrides, and options the trainer accepts.
import { resolveTrainerOptions } from '@relora/trainer';
import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, demoConfig, trainerOptions } from './demo-config';

describe('demoConfig', () => {
  it('takes the defaults, overridden by the query', () => {
    expect(demoConfig('')).toEqual(DEMO_DEFAULTS);
    const config = demoConfig('?steps=24&relora=4&sampleTokens=16&backend=wasm&unknown=1');
    expect(config).toEqual({
      ...DEMO_DEFAULTS,
      steps: 24,
      relora: 4,
      sampleTokens: 16,
      backend: 'wasm',
    });
  });

  it('names the parameter that is not a number', () => {
    expect(() => demoConfig('?lr=fast')).toThrow("?lr= must be a number >= 0, got 'fast'");
  });

  it('gives trainer options that pass its validation, for the defaults and the CI run', () => {
    for (const search of ['', '?steps=40&warmStart=8&relora=4']) {
      const options = resolveTrainerOptions(trainerOptions(demoConfig(search)));
      expect(options.mode).toBe('relora');
      expect(options.cycleLength).toBe(options.relora);
    }
  });
});
