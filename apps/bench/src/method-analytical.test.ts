// The methods' analytical counts against hand counts of a tiny model.
import { colaFlopsPerToken } from '@relora/cola';
import { crnetFlopsPerToken } from '@relora/crnet';
import { describe, expect, it } from 'vitest';
import { modeCounts } from './method-analytical';
import type { ModelShape } from './model-shape';

// V = 10, d = 4, f = 6, L = 2, rank 2, T = 3, 8 tokens per step. Hand counts:
//   full: 272 kernel weights (per layer q,k,v,o 4*16, gate,up,down 3*24) + 100 others = 372
//   GaLore per layer: projectors 4*(2*4) + 3*(2*4) = 56, moments 4*(2*2*4) + 3*(2*2*6) = 136
//   SwitchLoRA pools per layer: 4 * 4*(4+4) + 3 * 4*(4+6) = 248
//   CoLA factors L r (11d + 3f) = 2*2*62 = 248, others 100
//   SST per layer, k = 4: q,k,v,o 4 * 4*(4+4+1) = 144, gate,up 2 * 4*(4+6+1) = 88, down 44: 276;
//     L = 2: 552 + 100 others = 652; masks 2k = 8 bool bytes per projection, 14 projections
const tiny: ModelShape = {
  vocabSize: 10,
  hiddenSize: 4,
  intermediateSize: 6,
  numLayers: 2,
  numHeads: 2,
};
const counts = (mode: Parameters<typeof modeCounts>[1]) => modeCounts(tiny, mode, 2, 3, 8);
const fullFlops = 6 * (272 + 40) + 12 * 2 * 3 * 4; // 2160

describe('modeCounts', () => {
  it('gives GaLore the full model, AdamW for the rest and projected state for the kernels', () => {
    const galore = counts('galore');
    expect(galore.params).toEqual({ total: 372, trainable: 372, frozen: 0, lora: 0 });
    expect(galore.bytes).toEqual({ weights: 4 * 372, gradients: 4 * 372, optimizer: 4 * 584 });
    // projections: 4 r in out over the 272 kernel weights, per 8 tokens
    expect(galore.flopsPerToken).toBe(fullFlops + (4 * 2 * 272) / 8);
  });

  it('adds one limiter per kernel and a back-projection for Fira', () => {
    const fira = counts('fira');
    expect(fira.bytes.optimizer).toBe(4 * (584 + 14));
    expect(fira.flopsPerToken).toBe(fullFlops + (6 * 2 * 272) / 8);
  });

  it('counts SwitchLoRA as LoRA plus its candidate pools', () => {
    const s = counts('switchlora');
    expect(s.params).toEqual({ total: 620, trainable: 348, frozen: 272, lora: 248 });
    expect(s.bytes).toEqual({
      weights: 4 * 620,
      gradients: 4 * 348,
      optimizer: 8 * 348,
      state: 4 * 496,
    });
    expect(s.flopsPerToken).toBe(counts('lora').flopsPerToken);
  });

  it("counts CoLA's factors and takes its FLOPs from @relora/cola", () => {
    const shape = { ...tiny, tieWordEmbeddings: false };
    for (const [mode, recompute] of [
      ['cola', false],
      ['cola-m', true],
    ] as const) {
      const c = counts(mode);
      expect(c.params).toEqual({ total: 348, trainable: 348, frozen: 0, lora: 0 });
      expect(c.bytes).toEqual({ weights: 4 * 348, gradients: 4 * 348, optimizer: 8 * 348 });
      expect(c.flopsPerToken).toBe(colaFlopsPerToken(shape, { rank: 2, recompute }, 3).training);
    }
    expect(counts('cola-m').flopsPerToken - counts('cola').flopsPerToken).toBe(2 * 248);
  });

  it("counts CR-Net's full-rank block 1, factors and betas and takes its FLOPs from @relora/crnet", () => {
    // block 1: 272 / 2 = 136; block 2: r (11d + 3f) + 7 = 131; others 100
    const shape = { ...tiny, tieWordEmbeddings: false };
    for (const [mode, recompute] of [
      ['crnet', false],
      ['crnet-m', true],
    ] as const) {
      const c = counts(mode);
      expect(c.params).toEqual({ total: 367, trainable: 367, frozen: 0, lora: 0 });
      expect(c.bytes).toEqual({ weights: 4 * 367, gradients: 4 * 367, optimizer: 8 * 367 });
      expect(c.flopsPerToken).toBe(
        crnetFlopsPerToken(shape, { rank: 2, recompute, checkpointEvery: 8 }, 3).training,
      );
    }
  });

  it('counts SST as U, sigma, V of every projection with AdamW state, plus the sampled-pair masks', () => {
    const s = counts('sst');
    expect(s.params).toEqual({ total: 652, trainable: 652, frozen: 0, lora: 0 });
    expect(s.bytes).toEqual({
      weights: 4 * 652,
      gradients: 4 * 652,
      optimizer: 8 * 652,
      state: 14 * 8,
    });
    // 6 (head 40 + factors 552) + attention 12 L T d = 288; the forward of a projection is
    // (in + out) k + k multiply-adds, so the rank (sampled pairs) changes no FLOPs
    expect(s.flopsPerToken).toBe(6 * (40 + 552) + 288);
    expect(modeCounts(tiny, 'sst', 1, 3, 8).flopsPerToken).toBe(s.flopsPerToken);
  });

  it('refuses a ranked mode without a rank', () => {
    expect(() => modeCounts(tiny, 'galore', null, 3, 8)).toThrow(/needs a rank/);
  });
});
