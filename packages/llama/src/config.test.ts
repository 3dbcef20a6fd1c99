// Tests of config validation, presets and the Hugging Face config mapping.
import { describe, expect, it } from 'vitest';
import { resolveLlamaConfig } from './config';
import { fromHfConfig, toHfConfig } from './hf-config';
import { LLAMA_PRESETS, llamaPreset } from './presets';

const base = { vocabSize: 100, hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4 };

describe('LlamaConfig', () => {
  it('fills the paper defaults', () => {
    expect(resolveLlamaConfig(base)).toEqual({
      ...base,
      maxSeqLen: 1024,
      rmsNormEps: 1e-6,
      ropeTheta: 10000,
      tieWordEmbeddings: false,
      initializerRange: 0.02,
    });
  });

  it.each([
    [{ hiddenSize: 66 }, /hiddenSize \(66\) must be divisible by numHeads \(4\)/],
    [{ hiddenSize: 12, numHeads: 4 }, /head size .* = 3 must be even/],
    [{ vocabSize: 0 }, /vocabSize must be a positive integer, got 0/],
    [{ numLayers: 1.5 }, /numLayers must be a positive integer/],
    [{ rmsNormEps: -1 }, /rmsNormEps must be a positive finite number/],
    [{ tieWordEmbeddings: 'yes' }, /tieWordEmbeddings must be a boolean/],
    [{ hidden_size: 64 }, /unknown field 'hidden_size'/],
  ])('rejects %o', (change, message) => {
    expect(() => resolveLlamaConfig({ ...base, ...change } as never)).toThrow(message);
  });
});

describe('presets', () => {
  it('have the reference shapes', () => {
    expect(llamaPreset('60m', { vocabSize: 32100 })).toMatchObject({
      hiddenSize: 512,
      intermediateSize: 1376,
      numHeads: 8,
      numLayers: 8,
      maxSeqLen: 1024,
      vocabSize: 32100,
    });
    expect(LLAMA_PRESETS['1b']).toMatchObject({
      hiddenSize: 2048,
      intermediateSize: 5461,
      numHeads: 32,
      numLayers: 24,
    });
    expect(LLAMA_PRESETS['7b'].maxSeqLen).toBe(2048);
  });

  it('all validate, take overrides and reject unknown names', () => {
    for (const name of Object.keys(LLAMA_PRESETS) as Array<keyof typeof LLAMA_PRESETS>) {
      expect(() => llamaPreset(name, { vocabSize: 1000 })).not.toThrow();
    }
    expect(llamaPreset('demo', { vocabSize: 50, maxSeqLen: 128 }).maxSeqLen).toBe(128);
    expect(() => llamaPreset('5m' as never, { vocabSize: 50 })).toThrow(/unknown preset '5m'/);
  });
});

describe('HF config.json', () => {
  it('round-trips through toHfConfig and fromHfConfig', () => {
    const config = llamaPreset('35m', {
      vocabSize: 32100,
      tieWordEmbeddings: true,
      ropeTheta: 500000,
    });
    expect(fromHfConfig(toHfConfig(config))).toEqual(config);
  });

  it('refuses what the model cannot honour', () => {
    const hf = toHfConfig(llamaPreset('tiny', { vocabSize: 10 }));
    expect(() => fromHfConfig({ ...hf, rope_scaling: { type: 'linear', factor: 2 } })).toThrow(
      /rope_scaling/,
    );
    expect(() => fromHfConfig({ ...hf, hidden_act: 'gelu' })).toThrow(
      /hidden_act = "gelu" is not supported/,
    );
    expect(() => fromHfConfig({ ...hf, model_type: 'mistral' })).toThrow(/model_type/);
  });
});
