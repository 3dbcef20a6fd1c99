// Analytical counts against the official sizes (methods.md 0.2) and against built models.
import { initBackend } from '@relora/backend';
import { countParameters, llamaPreset } from '@relora/llama';
import { describe, expect, it } from 'vitest';
import { colaFlopsPerToken, colaParameterCounts, colaStateElements } from './analytical';
import { createColaLlama } from './cola-model';
import { colaDefaults } from './cola-options';
import { SMALL_CONFIG } from './small-config.test-support';

describe('CoLA analytical counts', () => {
  it.each([
    ['60m', 128, 42.8e6],
    ['130m', 256, 94.0e6],
    ['350m', 256, 185.2e6],
    ['1b', 512, 609.3e6],
  ] as const)('%s at rank %i has the paper-size parameter count', (preset, rank, millions) => {
    const config = llamaPreset(preset, { vocabSize: 32000 });
    expect(colaDefaults(config).rank).toBe(rank);
    expect(colaParameterCounts(config, rank).total).toBeCloseTo(millions, -5);
  });

  it('counts what a built model holds, and its training state', async () => {
    await initBackend({ prefer: 'cpu' });
    for (const tie of [false, true]) {
      const config = { ...SMALL_CONFIG, tieWordEmbeddings: tie };
      const model = createColaLlama(config, { rank: 6 }, { seed: 1 });
      const counts = colaParameterCounts(config, 6);
      expect(countParameters(model).total).toBe(counts.total);
      expect(colaStateElements(config, { rank: 6, recompute: false })).toEqual({
        weights: counts.total,
        gradients: counts.total,
        optimizer: 2 * counts.total,
        projectionActivationsPerToken: 2 * 7 * 3 * 6,
      });
      expect(
        colaStateElements(config, { rank: 6, recompute: true }).projectionActivationsPerToken,
      ).toBe(0);
      model.dispose();
    }
  });

  it('cuts the FLOPs per token as the paper says: about 2x less compute at 1B', () => {
    const config = llamaPreset('1b', { vocabSize: 32000 });
    const { hiddenSize: d, intermediateSize: f, numLayers: L } = config;
    const cola = colaFlopsPerToken(config, { rank: 512, recompute: false }, 256);
    const dense = 6 * (L * (4 * d * d + 3 * d * f) + d * 32000) + 12 * L * 256 * d;
    expect(cola.training).toBe(3 * cola.forward);
    expect(dense / cola.training).toBeGreaterThan(1.9);
    expect(dense / cola.training).toBeLessThan(2.4);
    const factors = colaParameterCounts(config, 512).factors;
    expect(colaFlopsPerToken(config, { rank: 512, recompute: true }, 256).training).toBe(
      cola.training + 2 * factors,
    );
  });
});
