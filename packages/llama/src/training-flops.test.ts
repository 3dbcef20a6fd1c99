import { describe, expect, it } from 'vitest';
import { LLAMA_PRESETS } from './presets';
import { llamaProjectionParameters, llamaTrainingFlopsPerToken } from './training-flops';

// V = 10, d = 4, f = 6, L = 2. Hand counts:
//   per layer q,k,v,o 4*16 = 64, gate,up,down 3*24 = 72 -> 136, x2 layers -> 272 projection weights
//   head 4*10 = 40; attention 12 L T d = 12*2*3*4 = 288 at T = 3
//   LoRA r = 2 per layer: 4 * 2*(4+4) + 3 * 2*(4+6) = 64 + 60 = 124, x2 -> 248 adapter weights
const tiny = { vocabSize: 10, hiddenSize: 4, intermediateSize: 6, numLayers: 2 };

describe('llamaTrainingFlopsPerToken', () => {
  it('counts the projections by hand', () => {
    expect(llamaProjectionParameters(tiny)).toBe(272);
  });

  it('is 6N plus attention for dense training', () => {
    expect(llamaTrainingFlopsPerToken(tiny, 3)).toBe(6 * (272 + 40) + 288);
  });

  it('skips the weight gradient of frozen projections and trains the adapters with LoRA', () => {
    expect(llamaTrainingFlopsPerToken(tiny, 3, { rank: 2 })).toBe(6 * (40 + 248) + 4 * 272 + 288);
  });

  it('gives about 6N per token for a large model at a short context', () => {
    // 1B preset (V = 32000): 1.21G projection weights + 65.5M head; 6N dominates at T = 256.
    const shape = { ...LLAMA_PRESETS['1b'], vocabSize: 32000 };
    const n = llamaProjectionParameters(shape) + 2048 * 32000;
    expect(llamaTrainingFlopsPerToken(shape, 256) / (6 * n)).toBeCloseTo(1.02, 2);
  });
});
