import { LLAMA_PRESETS } from '@relora/llama';
import { describe, expect, it } from 'vitest';
import { crnetFlopsPerToken, crnetParameterCounts, crnetStateElements } from './analytical';

// V = 10, d = 4, f = 6, L = 3, r = 2. Hand counts:
//   block 1: q, k, v, o 4 * 16 + gate, up, down 3 * 24 = 136
//   blocks 2, 3: r (11d + 3f) + 7 = 2 * 62 + 7 = 131 each
//   outer: 2 V d + (2L + 1) d = 80 + 28 = 108
const tiny = {
  vocabSize: 10,
  hiddenSize: 4,
  intermediateSize: 6,
  numLayers: 3,
  tieWordEmbeddings: false,
};

describe('CR-Net analytical counts', () => {
  it('counts block 1 full-rank, later blocks as factors and betas', () => {
    expect(crnetParameterCounts(tiny, 2)).toEqual({
      firstBlock: 136,
      lowRank: 262,
      outer: 108,
      total: 506,
      trainable: 506,
    });
  });

  it('gives the 1B preset at r = 512 about 640M parameters (methods.md 5.3: the paper lists 583M)', () => {
    const shape = { ...LLAMA_PRESETS['1b'], vocabSize: 32000, tieWordEmbeddings: false };
    const { total } = crnetParameterCounts(shape, 512);
    expect(total / 1e6).toBeCloseTo(639.7, 1);
  });

  it('keeps X A per token for every low-rank projection, and the addends without recompute', () => {
    // per block 2..L: 7 r = 14, addends 2 (4 d + 2 f + d) = 2 * 32 = 64
    const plain = crnetStateElements(tiny, { rank: 2, recompute: false });
    const recomputed = crnetStateElements(tiny, { rank: 2, recompute: true });
    expect(recomputed.projectionActivationsPerToken).toBe(2 * 14);
    expect(plain.projectionActivationsPerToken).toBe(2 * (14 + 64));
    expect(plain.projectionScalars).toBe(5 * 7 * 2);
    expect(plain.optimizer).toBe(2 * 506);
  });

  it('adds the rebuilds to the training FLOPs with recompute: one X A B per rebuilt Y', () => {
    const plain = crnetFlopsPerToken(tiny, { rank: 2, recompute: false, checkpointEvery: 8 }, 3);
    // forward: 2 (136 + 2 * 124 + 40) + 4 * 3 * 3 * 4 = 848 + 144 = 992
    expect(plain).toEqual({ forward: 992, training: 2976 });
    // L = 3, k = 8: blocks 0 and 1 are rebuilt, 2 r out per projection: 2 * 2 * 2 * 32
    const rebuilt = crnetFlopsPerToken(tiny, { rank: 2, recompute: true, checkpointEvery: 8 }, 3);
    expect(rebuilt.training - plain.training).toBe(256);
    const exact = crnetFlopsPerToken(tiny, { rank: 2, recompute: true, checkpointEvery: 1 }, 3);
    expect(exact.training).toBe(plain.training);
  });
});
