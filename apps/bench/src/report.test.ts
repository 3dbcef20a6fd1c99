// The table and the SVG/HTML report render the cases they are given.
import { describe, expect, it } from 'vitest';
import { renderReport } from './report';
import { formatNotes, formatTable } from './table';
import { tinyResults, tinyWorkersMeasurement } from './tiny-results.test-support';

describe('formatTable', () => {
  it('has one row per case, with analytical and measured memory and timing', () => {
    const lines = formatTable(tinyResults()).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^case\s+params M.*step ms \(q1-q3\).*checks$/);
    expect(lines[2]).toMatch(/^tiny\/relora-r2 .* 11\.5 \(10\.8-16\.5\) .* ok$/);
  });

  it('adds the GPU columns (fraction of peak, dispatches and syncs per step) only where a case has them', () => {
    const results = tinyResults();
    expect(formatTable(results)).not.toMatch(/of peak|disp\/step/);
    const c = results.cases[0]!;
    c.derived!.fractionOfPeak = 0.125;
    c.measured!.gpuWork = {
      dispatches: 275,
      submits: 19,
      syncs: 1,
      uploads: 11,
      bufferCreations: 11,
      byProgram: { relora_adamw: 21 },
    };
    results.environment.gpuPeak = {
      name: 'NVIDIA H200 SXM',
      fp32Flops: 67e12,
      source: 'data sheet',
    };
    const lines = formatTable(results).split('\n');
    expect(lines[0]).toMatch(/reset ms\s+of peak\s+disp\/step\s+syncs\/step\s+checks$/);
    expect(lines[2]).toMatch(/ 12\.5%\s+275\s+1\s+ok$/);
    expect(formatNotes(results)).toMatch(
      /GPU float32 peak 67(\.0)? TFLOP\/s \(NVIDIA H200 SXM; data sheet\)/,
    );
    expect(formatNotes(results)).toMatch(
      /disp\/step, syncs\/step: compute dispatches and CPU-GPU waits/,
    );
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

describe('formatNotes with workers', () => {
  it('shows a workers case without forward and backward, its ceilings and its scaling', () => {
    const results = tinyResults();
    const one = results.cases[0]!;
    const measured = tinyWorkersMeasurement();
    results.cases.push({ ...one, id: 'tiny/relora-r2/w2', workers: 2, measured });
    results.comparisons = [
      {
        name: 'data-parallel-weak-scaling-2-vs-1-workers-throughput',
        caseId: 'tiny/relora-r2/w2',
        baselineId: one.id,
        ratio: 1.72,
      },
    ];
    expect(formatTable(results).split('\n')[3]).toMatch(
      /^tiny\/relora-r2\/w2 .* 11\.5 \(10\.8-16\.5\)\s+-\s+/,
    );
    const notes = formatNotes(results);
    expect(notes).toMatch(/wN cases: data-parallel weak scaling/);
    expect(notes).not.toMatch(/warm-up steps/);
    measured.warmupStepsRun = 3;
    expect(formatNotes(results)).toMatch(
      /wN cases after 3 warm-up steps: .* --warmup-steps 40 measures the steady state/,
    );
    // Older results: the setting stands in for the count.
    measured.warmupStepsRun = null;
    results.settings.warmupSteps = 2;
    expect(formatNotes(results)).toMatch(/wN cases after 2 warm-up steps/);
    expect(notes).toMatch(/data-parallel-weak-scaling-2-vs-1-workers-throughput: .* = 1\.72/);
    expect(notes).toMatch(
      /two-thread ceiling tiny\/relora-r2\/w2: latency loop 1\.50-1\.98x, FP loop 1\.20-1\.90x \(2 measurements/,
    );
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
