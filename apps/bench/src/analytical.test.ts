// Analytical counts against hand counts of a tiny model and the paper's trainable shares.
import { describe, expect, it } from 'vitest';
import { countBytes, countParameters, sequenceBufferBytes } from './analytical';
import { flopsPerToken } from './flops';
import type { ModelShape } from './model-shape';

// V = 10, d = 4, f = 6, L = 2. Hand counts:
//   embedding 10*4 = 40, head 40, norms (2L + 1) d = 20                  -> 100 always trainable
//   per layer q,k,v,o 4*16 = 64, gate,up,down 3*24 = 72 -> 136, x2 layers -> 272 wrappable
//   LoRA r = 2 per layer: 4 * 2*(4+4) + 3 * 2*(4+6) = 64 + 60 = 124, x2  -> 248
const tiny: ModelShape = {
  vocabSize: 10,
  hiddenSize: 4,
  intermediateSize: 6,
  numLayers: 2,
  numHeads: 2,
};

describe('countParameters', () => {
  it('counts a full-rank model by hand', () => {
    expect(countParameters(tiny, 'full')).toEqual({
      total: 372,
      trainable: 372,
      frozen: 0,
      lora: 0,
    });
  });

  it('counts LoRA factors, frozen kernels and the trainable rest', () => {
    const expected = { total: 620, trainable: 348, frozen: 272, lora: 248 };
    expect(countParameters(tiny, 'lora', { rank: 2 })).toEqual(expected);
    expect(countParameters(tiny, 'relora', { rank: 2 })).toEqual(expected);
  });

  it('adds one scalar per wrapped layer with trainable scaling, and drops a tied head', () => {
    expect(countParameters(tiny, 'lora', { rank: 2, trainableScaling: true }).lora).toBe(248 + 14);
    expect(countParameters({ ...tiny, tieWordEmbeddings: true }, 'full').total).toBe(332);
  });

  it('needs a rank outside full mode', () => {
    expect(() => countParameters(tiny, 'lora')).toThrow(/needs a LoRA rank/);
  });

  // relora.md: trainable share at r = 128 (vs the full-rank model): 60M 74%, 130M 53%, 250M 40%.
  it.each([
    ['60m', 512, 1376, 8, 8, 0.74],
    ['130m', 768, 2048, 12, 12, 0.53],
    ['250m', 768, 2560, 16, 24, 0.4],
  ])('reproduces the paper trainable share of %s', (_, d, f, h, l, share) => {
    const shape = {
      vocabSize: 32100,
      hiddenSize: d,
      intermediateSize: f,
      numHeads: h,
      numLayers: l,
    };
    const full = countParameters(shape, 'full').total;
    const lora = countParameters(shape, 'relora', { rank: 128 });
    expect(lora.trainable / full).toBeCloseTo(share, 2);
  });
});

describe('countBytes', () => {
  it('is 4 bytes per float: weights of all, gradients and m + v of the trainable', () => {
    expect(countBytes(countParameters(tiny, 'full'))).toEqual({
      weights: 1488,
      gradients: 1488,
      optimizer: 2976,
    });
    expect(countBytes(countParameters(tiny, 'lora', { rank: 2 }))).toEqual({
      weights: 2480,
      gradients: 1392,
      optimizer: 2784,
    });
  });
});

describe('sequenceBufferBytes', () => {
  it('is the [T, T] mask plus four [T, headDim] rotary tables', () => {
    expect(sequenceBufferBytes(tiny, 3)).toBe(4 * (3 * 3 + 4 * 3 * 2)); // headDim 4 / 2 = 2
  });
});

describe('flopsPerToken', () => {
  // attention term 12 L T d = 12*2*3*4 = 288 at T = 3
  it('is 6N plus attention in full mode', () => {
    expect(flopsPerToken(tiny, 'full', 3)).toBe(6 * (272 + 40) + 288);
  });

  it('skips the weight gradient of frozen kernels in LoRA modes', () => {
    expect(flopsPerToken(tiny, 'relora', 3, { rank: 2 })).toBe(6 * (40 + 248) + 4 * 272 + 288);
  });

  it('still multiplies by a tied head', () => {
    expect(flopsPerToken({ ...tiny, tieWordEmbeddings: true }, 'full', 3)).toBe(2160);
  });
});
