// The table and the SVG/HTML report render the cases they are given.
import { describe, expect, it } from 'vitest';
import { renderReport } from './report';
import { formatNotes, formatTable } from './table';
import { tinyResults } from './test-fixtures';

describe('formatTable', () => {
  it('has one row per case, with analytical and measured memory and timing', () => {
    const lines = formatTable(tinyResults()).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^case\s+params M.*step ms \(q1-q3\).*checks$/);
    expect(lines[2]).toMatch(/^tiny\/relora-r2 .* 11\.5 \(10\.8-16\.5\) .* ok$/);
  });

  it('lists mismatches under the table', () => {
    const results = tinyResults();
    results.checks = [
      {
        caseId: 'tiny/relora-r2',
        name: 'no-leak',
        ok: false,
        measured: 3,
        expected: 2,
        message: 'leaked',
      },
    ];
    results.summary.checksFailed = 1;
    expect(formatTable(results)).toMatch(/MISMATCH$/);
    expect(formatNotes(results)).toMatch(/MISMATCH tiny\/relora-r2 no-leak: leaked/);
  });
});

describe('renderReport', () => {
  it('renders both charts as SVG and an HTML page holding them', async () => {
    const { memorySvg, throughputSvg, html } = await renderReport(tinyResults());
    expect(memorySvg).toMatch(/^<svg/);
    expect(memorySvg).toContain('tiny/relora-r2');
    expect(memorySvg).toContain('AdamW m+v');
    expect(throughputSvg).toContain('of matmul');
    expect(html).toContain(memorySvg);
    expect(html).toContain('6*N + 12*L*T*d');
  });
});
