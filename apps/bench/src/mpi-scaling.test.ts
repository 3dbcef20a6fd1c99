// The --ranks-mpi table: weak scaling against one rank per phase, and the bytes each step all-reduces.
import { describe, expect, it } from 'vitest';
import { formatMpiScaling, type MpiScalingResult } from './mpi-scaling';

const phases = (msFull: number, msLora: number, tokens: number) =>
  [
    { phase: 'full', ms: msFull, bytes: 4 * 2 ** 20, params: 1e6 },
    { phase: 'lora', ms: msLora, bytes: 2 ** 20, params: 2.5e5 },
  ].map((p) => ({
    phase: p.phase as 'full' | 'lora',
    stepMsMedian: p.ms,
    tokensPerSec: tokens / (p.ms / 1000),
    allReducedBytes: p.bytes,
    trainableParams: p.params,
  }));

describe('formatMpiScaling', () => {
  it('compares each phase with one rank and shows the all-reduced bytes of several', () => {
    const results: MpiScalingResult[] = [
      { ranks: 1, preset: '9m', backend: 'wasm', tokensPerStep: 100, phases: phases(100, 50, 100) },
      { ranks: 2, preset: '9m', backend: 'wasm', tokensPerStep: 200, phases: phases(125, 50, 200) },
    ];
    const lines = formatMpiScaling(results).split('\n');
    expect(lines[0]).toMatch(/ranks\s+phase\s+trainable\s+step ms\s+tokens\/s\s+vs 1 rank/);
    expect(lines[3]).toMatch(/^\s*2\s+full\s+1\.00M\s+125\.0\s+1600\s+1\.60x\s+4\.00 MiB$/);
    expect(lines[4]).toMatch(/^\s*2\s+lora\s+0\.25M\s+50\.0\s+4000\s+2\.00x\s+1\.00 MiB$/);
    expect(lines[1]).toMatch(/0 \(one rank\)$/);
  });
});
