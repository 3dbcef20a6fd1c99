// Vega-Lite specs comparing modes: memory composition and throughput per case.
import type { BenchResults } from './results-schema';

type Spec = Record<string, unknown>;
const MIB = 2 ** 20;
// Legends below the plot keep labels placed right of the bars clear of them.
const LEGEND_BELOW = { legend: { orient: 'bottom', labelLimit: 400 } };

/** Stacked bars per case: weights, m+v, gradients (analytical), the rest of the peak (measured). */
export function memorySpec(results: BenchResults): Spec {
  const values = results.cases.flatMap((r) => {
    if (!r.measured) return [];
    const { bytes } = r.analytical;
    const { residentBytes, activationBytes } = r.measured.memory;
    const parts: Array<[string, number]> = [
      ['1 weights', bytes.weights],
      ['2 AdamW m+v (galore/fira: projected, projectors)', bytes.optimizer],
      [
        '3 method state, mask, rotary tables, other',
        Math.max(0, residentBytes - bytes.weights - bytes.optimizer),
      ],
      ['4 gradients', Math.min(bytes.gradients, activationBytes)],
      ['5 activations + temporaries', Math.max(0, activationBytes - bytes.gradients)],
    ];
    return parts.map(([part, b]) => ({ case: r.id, mode: r.mode, part, mib: b / MIB }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Peak tensor memory of one update step (MiB)',
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'case', type: 'nominal', sort: null, title: null },
      x: { field: 'mib', type: 'quantitative', aggregate: 'sum', title: 'MiB' },
      color: { field: 'part', type: 'nominal', title: null },
      order: { field: 'part' },
      tooltip: [{ field: 'part' }, { field: 'mib', format: '.2f' }],
    },
    width: 480,
    config: LEGEND_BELOW,
  };
}

/** Median tokens/s per case with its interquartile range, coloured by mode. */
export function throughputSpec(results: BenchResults): Spec {
  const values = results.cases.flatMap((r) =>
    r.derived
      ? [
          {
            case: r.id,
            mode: r.mode,
            median: r.derived.tokensPerSec.median,
            q1: r.derived.tokensPerSec.q1,
            q3: r.derived.tokensPerSec.q3,
            ofMatmul: `${(r.derived.fractionOfMatmul * 100).toFixed(1)}% of matmul`,
          },
        ]
      : [],
  );
  const y = { field: 'case', type: 'nominal', sort: null, title: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Training throughput (tokens/s, median and q1-q3)',
    data: { values },
    width: 480,
    config: LEGEND_BELOW,
    layer: [
      {
        mark: 'bar',
        encoding: {
          y,
          x: { field: 'median', type: 'quantitative', title: 'tokens/s' },
          color: { field: 'mode', type: 'nominal' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y, x: { field: 'q1', type: 'quantitative' }, x2: { field: 'q3' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: { y, x: { field: 'q3', type: 'quantitative' }, text: { field: 'ofMatmul' } },
      },
    ],
  };
}
