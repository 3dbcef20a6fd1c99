// Ratios pair each relora case with full rank, and N-thread cases with one thread.
import { describe, expect, it } from 'vitest';
import { compareCases } from './comparisons';
import type { CaseResult } from './results-schema';
import { mapSummary } from './stats';
import { tinyResults } from './test-fixtures';

function variant(
  mode: CaseResult['mode'],
  threads: number | null,
  tokensPerSec: number,
  peak: number,
): CaseResult {
  const base = tinyResults().cases[0]!;
  const id = `tiny/${mode}${threads ? `/t${threads}` : ''}`;
  const measured = { ...base.measured!, memory: { ...base.measured!.memory, peakBytes: peak } };
  const derived = {
    ...base.derived!,
    tokensPerSec: mapSummary(base.derived!.tokensPerSec, () => tokensPerSec),
  };
  return { ...base, id, mode, rank: mode === 'full' ? null : 2, threads, measured, derived };
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

  it('skips failed cases and cases without a partner', () => {
    const failed = { ...variant('full', null, 100, 1000), measured: null, derived: null };
    expect(compareCases([failed, variant('relora', null, 80, 600)])).toEqual([]);
  });
});
