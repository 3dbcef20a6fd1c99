// Median and spread of repeated measurements.

/** Summary of repeated samples: the median is the figure; quartiles and range give the spread. */
export interface Summary {
  n: number;
  median: number;
  /** First and third quartiles (linear interpolation between order statistics). */
  q1: number;
  q3: number;
  min: number;
  max: number;
  /** Every sample, in the order measured (so runs can be pooled and re-summarised). */
  samples: number[];
}

function quantile(sorted: number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

/** Summarises samples; throws on an empty list (a timing must never be a single missing run). */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    samples: [...samples],
  };
}

/** Applies `f` to every figure of a summary (e.g. ms -> tokens/s; a decreasing `f` swaps ends). */
export function mapSummary(s: Summary, f: (x: number) => number): Summary {
  const [q1, q3] = [f(s.q1), f(s.q3)].sort((a, b) => a - b) as [number, number];
  const [min, max] = [f(s.min), f(s.max)].sort((a, b) => a - b) as [number, number];
  return { n: s.n, median: f(s.median), q1, q3, min, max, samples: s.samples.map(f) };
}
