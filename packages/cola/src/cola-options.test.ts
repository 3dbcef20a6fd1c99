// CoLA's settings: the official per-size defaults, validation, and config.json both ways.
import { llamaPreset } from '@relora/llama';
import { describe, expect, it } from 'vitest';
import { colaConfigJson, fromColaConfig } from './cola-config';
import { colaDefaults, resolveColaOptions } from './cola-options';
import { SMALL_CONFIG } from './small-config.test-support';

describe('CoLA options', () => {
  it('defaults as the official configs: r = d / 4 (256 at 130M), only_lr_act from 350M', () => {
    const at = (preset: '60m' | '130m' | '350m' | '1b' | '7b') =>
      colaDefaults(llamaPreset(preset, { vocabSize: 32000 }));
    expect(at('60m')).toEqual({ rank: 128, onlyLrAct: false, recompute: false });
    expect(at('130m')).toEqual({ rank: 256, onlyLrAct: false, recompute: false });
    expect(at('350m')).toEqual({ rank: 256, onlyLrAct: true, recompute: false });
    expect(at('1b')).toMatchObject({ rank: 512, onlyLrAct: true });
    expect(at('7b')).toMatchObject({ rank: 1024, onlyLrAct: true });
  });

  it('refuses bad settings with one-line messages', () => {
    expect(() => resolveColaOptions(SMALL_CONFIG, { rank: 2.5 })).toThrow(
      'ColaOptions: rank must be a positive integer, got 2.5',
    );
    expect(() => resolveColaOptions(SMALL_CONFIG, { rank: 33 })).toThrow(
      'ColaOptions: rank 33 exceeds the model width 32',
    );
    expect(() =>
      resolveColaOptions(SMALL_CONFIG, { ranks: 3 } as unknown as { rank: number }),
    ).toThrow("ColaOptions: unknown field 'ranks' (known: rank, onlyLrAct, recompute)");
  });

  it('writes and reads config.json, and reads the official cola_60m.json', () => {
    const json = JSON.parse(colaConfigJson(SMALL_CONFIG, { rank: 8, onlyLrAct: true }));
    expect(fromColaConfig(json)).toEqual({
      config: SMALL_CONFIG,
      cola: { rank: 8, onlyLrAct: true },
    });
    // The official file (alvin-zyl/CoLA cola_configs/cola_60m.json), as published.
    const official = {
      architectures: ['ColaForCausalLM'],
      bos_token_id: 0,
      eos_token_id: 1,
      hidden_act: 'silu',
      hidden_size: 512,
      intermediate_size: 1376,
      initializer_range: 0.02,
      max_sequence_length: 1024,
      model_type: 'cola',
      num_attention_heads: 8,
      num_hidden_layers: 8,
      pad_token_id: 0,
      rms_norm_eps: 1e-6,
      use_cache: true,
      vocab_size: 32000,
      rank: 128,
      only_lr_act: false,
    };
    const read = fromColaConfig(official);
    expect(read.cola).toEqual({ rank: 128, onlyLrAct: false });
    expect(read.config).toEqual(llamaPreset('60m', { vocabSize: 32000 }));
    expect(() => fromColaConfig({ ...official, lr_act_type: 'gelu' })).toThrow(
      'config.json: lr_act_type = "gelu" is not supported (expected "silu")',
    );
  });
});
