import { colaFlopsPerToken } from '@relora/cola';
import { crnetFlopsPerToken } from '@relora/crnet';
import { llamaTrainingFlopsPerToken } from '@relora/llama';
import { describe, expect, it } from 'vitest';
import { cliOptions } from '../../pretrain/src/option-table';
import { DEMO_MODEL, demoConfigJson } from './flops.test-support';
import { METHOD_FLOPS, meanFlopsPerToken, runFlops, trainingFlops } from './method-flops';
import { parseRunConfig } from './run-config';

const run = (mode: string, method: string | null) => parseRunConfig(demoConfigJson(mode, method));
// Demo model, T = 64: 6 (802,816 projection weights + 33,024 head) + 12 * 4 * 64 * 128.
const FULL = 6 * (802_816 + 33_024) + 393_216;

describe('METHOD_FLOPS', () => {
  it('has a row for every method relora-pretrain --method accepts', () => {
    const methods = cliOptions.find((o) => o.key === 'method')!.choices!;
    expect(methods.filter((m) => !(m in METHOD_FLOPS))).toEqual([]);
  });

  it("counts full rank, LoRA and CoLA with the packages' formulas", () => {
    expect(runFlops(run('full', null)).perToken).toBe(FULL);
    expect(FULL).toBe(llamaTrainingFlopsPerToken(DEMO_MODEL, 64));
    // LoRA r 32: 315,392 adapter weights trained, the projections frozen (4 FLOPs per weight).
    expect(runFlops(run('lora', null)).perToken).toBe(
      6 * (33_024 + 315_392) + 4 * 802_816 + 393_216,
    );
    const cola = runFlops(run('full', 'cola'));
    expect(cola.perToken).toBe(
      colaFlopsPerToken(DEMO_MODEL, { rank: 32, recompute: false }, 64).training,
    );
    expect(cola.perToken / cola.fullRankPerToken).toBeCloseTo(0.459, 3);
    expect(runFlops(run('full', 'cola-m')).perToken).toBeGreaterThan(cola.perToken);
    const crnet = runFlops(run('full', 'crnet'));
    expect(crnet.perToken).toBe(
      crnetFlopsPerToken(DEMO_MODEL, { rank: 32, recompute: false, checkpointEvery: 8 }, 64)
        .training,
    );
    expect(crnet.perToken / crnet.fullRankPerToken).toBeCloseTo(0.594, 3);
  });

  it('counts GaLore, Fira and SST as dense, SwitchLoRA as LoRA', () => {
    for (const m of ['galore', 'fira', 'sst']) expect(runFlops(run('full', m)).perToken).toBe(FULL);
    expect(runFlops(run('full', 'switchlora')).perToken).toBe(runFlops(run('lora', null)).perToken);
  });

  it('names a method it has no formula for', () => {
    expect(() => runFlops(run('full', 'adam'))).toThrow(
      /^no FLOPs formula for method 'adam'; expected one of full, lora, relora/,
    );
  });
});

describe('trainingFlops', () => {
  it("counts ReLoRA's warm start at full rank's FLOPs and the LoRA phase at LoRA's", () => {
    const f = runFlops(run('relora', null));
    const lora = runFlops(run('lora', null)).perToken;
    expect(f.warmStartSteps).toBe(125);
    expect(trainingFlops(f, 100)).toBe(512 * 100 * FULL);
    expect(trainingFlops(f, 500)).toBe(512 * (125 * FULL + 375 * lora));
    expect(meanFlopsPerToken(f, 500)).toBeCloseTo((125 * FULL + 375 * lora) / 500, 6);
  });
});
