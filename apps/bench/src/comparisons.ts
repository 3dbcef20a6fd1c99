// Ratios between cases a reader asks for first: ReLoRA vs full rank, N threads vs one.
import type { CaseResult, Comparison } from './results-schema';

const tokensPerSec = (r: CaseResult) => r.derived?.tokensPerSec.median;
const peakBytes = (r: CaseResult) => r.measured?.memory.peakBytes;

/**
 * For each relora case, its throughput and peak memory against the full-rank case of the same
 * preset and threads, and its throughput against the lora case of the same rank (the same step
 * computation, so the ratio shows the run's noise); for each case run with N > 1 threads, its
 * throughput against 1 thread.
 */
export function compareCases(cases: CaseResult[]): Comparison[] {
  const out: Comparison[] = [];
  const ok = cases.filter((c) => c.derived && c.measured);
  for (const c of ok) {
    if (c.mode === 'relora') {
      const full = ok.find(
        (f) => f.mode === 'full' && f.preset === c.preset && f.threads === c.threads,
      );
      if (full) {
        out.push({
          name: 'relora-vs-full-throughput',
          caseId: c.id,
          baselineId: full.id,
          ratio: tokensPerSec(c)! / tokensPerSec(full)!,
        });
        out.push({
          name: 'relora-vs-full-peak-memory',
          caseId: c.id,
          baselineId: full.id,
          ratio: peakBytes(c)! / peakBytes(full)!,
        });
      }
    }
    // The same computation in two processes: how far apart they land gauges the run's noise.
    const lora = ok.find(
      (l) =>
        l.mode === 'lora' &&
        c.mode === 'relora' &&
        l.preset === c.preset &&
        l.rank === c.rank &&
        l.threads === c.threads,
    );
    if (lora) {
      out.push({
        name: 'relora-vs-lora-throughput-noise-gauge',
        caseId: c.id,
        baselineId: lora.id,
        ratio: tokensPerSec(c)! / tokensPerSec(lora)!,
      });
    }
    if (c.threads !== null && c.threads > 1) {
      const one = ok.find(
        (o) => o.threads === 1 && o.preset === c.preset && o.mode === c.mode && o.rank === c.rank,
      );
      if (one) {
        out.push({
          name: `threads-${c.threads}-vs-1-throughput`,
          caseId: c.id,
          baselineId: one.id,
          ratio: tokensPerSec(c)! / tokensPerSec(one)!,
        });
      }
    }
  }
  return out;
}
