// report.svg: training loss, eval perplexity and learning rate against update step, restarts marked (vega-lite, no browser).
import { renderSvg } from '@relora/charts';

type Row = Record<string, unknown>;

/** Update steps at which a LoRA merge happened (where `n_lora_restarts` grows). */
export function restartSteps(metrics: Row[]): number[] {
  const steps: number[] = [];
  let last = 0;
  for (const row of metrics) {
    const n = Number(row.n_lora_restarts ?? 0);
    if (n > last) steps.push(Number(row.update_step));
    last = n;
  }
  return steps;
}

function panel(title: string, field: string, data: Row[], restarts: Row[], scale?: 'log'): object {
  const y = { field, type: 'quantitative', title, ...(scale ? { scale: { type: scale } } : {}) };
  return {
    width: 640,
    height: 160,
    layer: [
      {
        data: { values: data },
        mark: { type: 'line', point: data.length < 40 },
        encoding: { x: { field: 'update_step', type: 'quantitative', title: 'update step' }, y },
      },
      {
        data: { values: restarts },
        mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3] },
        encoding: { x: { field: 'update_step', type: 'quantitative' } },
      },
    ],
  };
}

/** The SVG text of the report for a run's metrics.jsonl and eval.jsonl rows. */
export async function renderReport(metrics: Row[], evals: Row[], title: string): Promise<string> {
  const restarts = restartSteps(metrics).map((update_step) => ({ update_step }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'dashed red lines: ReLoRA restarts (merge + optimizer reset)' },
    vconcat: [
      panel('training loss', 'loss', metrics, restarts),
      panel('eval perplexity', 'perplexity', evals, restarts, 'log'),
      panel('learning rate', 'lr', metrics, restarts),
    ],
  };
  return renderSvg(spec);
}
