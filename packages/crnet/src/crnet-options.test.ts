import { describe, expect, it } from 'vitest';
import { crnetDefaults, resolveCrNetOptions } from './crnet-options';

describe('resolveCrNetOptions', () => {
  it('fills the defaults: r = d / 4, checkpoints every 8 blocks, β = 1, CoLA-style factors', () => {
    expect(crnetDefaults({ hiddenSize: 512 })).toEqual({
      rank: 128,
      recompute: false,
      checkpointEvery: 8,
      betaInit: 1,
      factorInit: 'cola',
    });
    expect(
      resolveCrNetOptions({ hiddenSize: 64 }, { rank: 8, factorInit: 'zero-b' }),
    ).toMatchObject({ rank: 8, factorInit: 'zero-b' });
  });

  it('refuses bad fields naming them and what was expected', () => {
    const d = { hiddenSize: 64 };
    expect(() => resolveCrNetOptions(d, { rank: 0 })).toThrow(
      'CrNetOptions: rank must be a positive integer, got 0',
    );
    expect(() => resolveCrNetOptions(d, { rank: 65 })).toThrow(/exceeds the model width 64/);
    expect(() => resolveCrNetOptions(d, { checkpointEvery: 1.5 })).toThrow(/checkpointEvery/);
    expect(() => resolveCrNetOptions(d, { betaInit: Number.NaN })).toThrow(/betaInit/);
    expect(() => resolveCrNetOptions(d, { factorInit: 'lora' as unknown as 'cola' })).toThrow(
      `factorInit must be 'cola' or 'zero-b', got "lora"`,
    );
    expect(() => resolveCrNetOptions(d, { onlyLrAct: true } as never)).toThrow(
      "unknown field 'onlyLrAct'",
    );
  });
});
