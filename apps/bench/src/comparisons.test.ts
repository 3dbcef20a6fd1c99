// Ratios pair each relora case with full rank, N-thread cases with one thread, w workers with one.
import { describe, expect, it } from 'vitest';
import { compareCases, weakScalingName } from './comparisons';
import type { CaseResult } from './results-schema';
import { mapSummary } from './stats';
import { tinyResults } from './tiny-results.test-support';

function variant(
  mode: CaseResult['mode'],
  threads: number | null,
  tokensPerSec: number,
  peak: number,
  workers = 1,
): CaseResult {
  const base = tinyResults().cases[0]!;
  const id = `tiny/${mode}${threads ? `/t${threads}` : ''}${workers > 1 ? `/w${workers}` : ''}`;
  const measured = { ...base.measured!, memory: { ...base.measured!.memory, peakBytes: peak } };
  const derived = {
    ...base.derived!,
    tokensPerSec: mapSummary(base.derived!.tokensPerSec, () => tokensPerSec),
  };
  const rank = mode === 'full' ? null : 2;
  return { ...base, id, mode, rank, threads, workers, measured, derived };
}

describe('compareCases', () => {
  it('relates relora to full rank and to lora at the same threads, and two threads to one', () => {
    const cases = [
      variant('full', 1, 100, 1000),
      variant('lora', 1, 64, 600),
      variant('relora', 1, 80, 600),
      variant('full', 2, 170, 1000),
    ];
    expect(compareCases(cases)).toEqual([
      {
        name: 'relora-vs-full-throughput',
        caseId: 'tiny/relora/t1',
        baselineId: 'tiny/full/t1',
        ratio: 0.8,
      },
      {
        name: 'relora-vs-full-peak-memory',
        caseId: 'tiny/relora/t1',
        baselineId: 'tiny/full/t1',
        ratio: 0.6,
      },
      {
        name: 'relora-vs-full-trainable-state',
        caseId: 'tiny/relora/t1',
        baselineId: 'tiny/full/t1',
        ratio: 1, // the variants share one analytical count
      },
      {
        name: 'relora-vs-lora-throughput-noise-gauge',
        caseId: 'tiny/relora/t1',
        baselineId: 'tiny/lora/t1',
        ratio: 1.25,
      },
      {
        name: 'threads-2-vs-1-throughput',
        caseId: 'tiny/full/t2',
        baselineId: 'tiny/full/t1',
        ratio: 1.7,
      },
    ]);
  });

  it('relates w data-parallel workers to one at the same preset, mode, rank and threads', () => {
    const cases = [
      variant('full', null, 100, 1000),
      variant('full', null, 170, 1200, 2),
      variant('full', 1, 90, 1000),
      variant('relora', null, 80, 600),
      variant('relora', null, 120, 700, 2),
    ];
    const weak = compareCases(cases).filter((k) => k.name.startsWith('data-parallel'));
    expect(weak).toEqual([
      {
        name: 'data-parallel-weak-scaling-2-vs-1-workers-throughput',
        caseId: 'tiny/full/w2',
        baselineId: 'tiny/full',
        ratio: 1.7,
      },
      {
        name: weakScalingName(2),
        caseId: 'tiny/relora/w2',
        baselineId: 'tiny/relora',
        ratio: 1.5,
      },
    ]);
    // relora against full rank stays within the same workers.
    const vsFull = compareCases(cases).filter((k) => k.name === 'relora-vs-full-throughput');
    expect(vsFull.map((k) => [k.caseId, k.baselineId, k.ratio])).toEqual([
      ['tiny/relora', 'tiny/full', 0.8],
      ['tiny/relora/w2', 'tiny/full/w2', 120 / 170],
    ]);
  });

  it('skips failed cases and cases without a partner', () => {
    const failed = { ...variant('full', null, 100, 1000), measured: null, derived: null };
    expect(compareCases([failed, variant('relora', null, 80, 600)])).toEqual([]);
  });
});
