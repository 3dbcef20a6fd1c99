import { describe, expect, it } from 'vitest';
import { METHOD_CONFIGS, QUALITY_CONFIGS, selectConfigs } from './configs';
import { QUALITY_DEFAULTS } from './options';

describe('selectConfigs', () => {
  it('runs the ReLoRA set by default, and the other methods only when named', () => {
    expect(selectConfigs(null).map((c) => c.id)).toEqual(QUALITY_CONFIGS.map((c) => c.id));
    expect(selectConfigs(null).some((c) => c.paperRow === 'method')).toBe(false);
    expect(selectConfigs(['methods']).map((c) => c.id)).toEqual([
      'full-rank',
      'relora-joint',
      'galore',
      'fira',
      'switchlora',
      'cola',
      'crnet',
      'sst',
    ]);
    expect(selectConfigs(['fira', 'full-rank']).map((c) => c.id)).toEqual(['full-rank', 'fira']);
  });

  it('gives every method its --method flag and rank 32, from scratch', () => {
    for (const c of METHOD_CONFIGS) {
      const args = c.args(QUALITY_DEFAULTS);
      expect(args.slice(0, 2)).toEqual(['--method', c.id]);
      expect(args).toContain('32');
      expect(args.join(' ')).toContain('--warm-start-steps 0');
    }
  });

  it('names the unknown configuration and what it expected', () => {
    expect(() => selectConfigs(['galore', 'adam'])).toThrow(
      /^--configs: unknown configuration adam; expected some of .*galore.*methods$/,
    );
  });
});
