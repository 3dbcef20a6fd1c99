import { describe, expect, it } from 'vitest';
import { perplexitySpec } from './chart-spec';
import { handMadeResults, versionOneResults } from './results.test-support';
import { qualityResultsSchema } from './results-schema';
import { formatFlops, formatTable } from './table';

describe('results.md and perplexity.svg at equal steps and equal compute', () => {
  it('lists FLOPs per token, the steps and the perplexity at equal FLOPs', () => {
    const results = qualityResultsSchema.parse(handMadeResults());
    const md = formatTable(results);
    expect(md).toContain('## Equal steps and equal compute');
    expect(md).toContain(
      '| configuration | FLOPs per token | vs full rank | ppl @ 500 steps | vs full rank | steps @ equal FLOPs | FLOPs vs budget | ppl @ equal FLOPs | vs full rank |',
    );
    expect(md).toContain(
      '| full rank | 5.41M | 1.00x | 8.00 | - | 500 (same run) | +0.0% | 8.00 | - |',
    );
    expect(md).toContain(
      '| CoLA r 32 | 2.48M | 0.46x | 8.40 | +5.0% | 1089 | +0.0% | 7.60 | -5.0% |',
    );
  });

  it('lists FLOPs per token alone without --equal-compute, and nothing for version 1 files', () => {
    const md = formatTable(qualityResultsSchema.parse(handMadeResults(false)));
    expect(md).toContain('| CoLA r 32 | 2.48M | 0.46x | 8.40 | +5.0% |');
    expect(md).toContain('Run with `--equal-compute`');
    const v1 = qualityResultsSchema.parse(versionOneResults());
    expect(v1.version).toBe(1);
    expect(formatTable(v1)).not.toContain('## Equal steps and equal compute');
  });

  it('plots the equal-compute runs against training FLOPs below the panels by step', () => {
    const spec = perplexitySpec(qualityResultsSchema.parse(handMadeResults())) as {
      vconcat: Array<{ data: { values: Array<{ line: string; flops: number }> } }>;
    };
    expect(spec.vconcat).toHaveLength(2);
    const cola = spec.vconcat[1]!.data.values.filter((v) => v.line === 'CoLA r 32');
    // the last evaluation spends the budget: full rank's 500 steps x 512 tokens x 5.41M
    expect(cola.at(-1)!.flops / (500 * 512 * 5_408_256)).toBeCloseTo(1, 3);
    expect('vconcat' in perplexitySpec(qualityResultsSchema.parse(handMadeResults(false)))).toBe(
      false,
    );
  });

  it('writes FLOPs with an SI prefix', () => {
    expect([formatFlops(950), formatFlops(5_408_256), formatFlops(2.77e12)]).toEqual([
      '950',
      '5.41M',
      '2.77T',
    ]);
  });
});
