// perplexity.svg: validation perplexity against update step, one panel per reset mode (Vega-Lite).
import { RESET_MODES } from './configs';
import { trainingFlops } from './method-flops';
import type { ConfigResult, QualityResults } from './results-schema';

type Spec = Record<string, unknown>;

/**
 * One panel per reset mode that ran (the configurations without a reset, baselines, drawn in
 * every panel); lines are the mean over seeds, bands their min-max.
 */
export function perplexitySpec(results: QualityResults): Spec {
  const resets = RESET_MODES.filter((m) => results.configs.some((c) => c.reset === m.id));
  const panels = resets.length > 0 ? resets.map((m) => m.label) : ['all configurations'];
  const values = results.configs.flatMap((c) => {
    const mode = RESET_MODES.find((m) => m.id === c.reset);
    const inPanels = mode ? [mode.label] : panels;
    // The line's name without the reset mode: the panel says it.
    const line = mode ? c.label.replace(`, ${mode.label}`, '') : c.label;
    return inPanels.flatMap((panel) =>
      // Step 0 (the untrained model, ~uniform over the vocabulary) would squash the rest.
      c.perplexity
        .filter((p) => p.step > 0)
        .map((p) => ({ panel, line, step: p.step, ppl: p.mean, min: p.min, max: p.max })),
    );
  });
  const x = { field: 'step', type: 'quantitative', title: 'update step' };
  const color = { field: 'line', type: 'nominal', title: null, sort: null };
  const byStep = {
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    columns: 2,
    spec: { width: 360, height: 220, layer: bandAndLine(x, color) },
  };
  // One reset panel: its lines keep their names (the same colours) against FLOPs.
  const byFlops = flopsView(results, color, (c) =>
    resets.length === 1 ? c.label.replace(`, ${resets[0]!.label}`, '') : c.label,
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Validation perplexity, ${results.settings.modelConfig} on ${results.settings.dataset} (seeds ${results.settings.seeds.join(', ')})`,
      subtitle: 'lines: mean over seeds; bands: min-max; log scale; step 0 left out',
    },
    ...(byFlops ? { vconcat: [byStep, byFlops] } : byStep),
    config: { legend: { orient: 'bottom', labelLimit: 400, columns: 2 } },
  };
}

/** The min-max band and the mean line of one panel, against `x`. */
function bandAndLine(x: Spec, color: Spec): Spec[] {
  return [
    {
      mark: { type: 'area', opacity: 0.2 },
      encoding: {
        x,
        y: { field: 'min', type: 'quantitative', scale: { type: 'log', nice: false } },
        y2: { field: 'max' },
        color,
      },
    },
    {
      mark: { type: 'line', point: { size: 12 } },
      encoding: {
        x,
        y: {
          field: 'ppl',
          type: 'quantitative',
          title: 'validation perplexity',
          scale: { type: 'log', nice: false },
        },
        color,
      },
    },
  ];
}

/**
 * With --equal-compute: every configuration's equal-compute runs (its equal-steps runs where
 * those stand for them) against training FLOPs, up to full rank's budget; undefined otherwise.
 */
function flopsView(
  results: QualityResults,
  color: Spec,
  lineName: (c: ConfigResult) => string,
): Spec | undefined {
  const rows = results.configs.filter((c) => c.flops && c.equalCompute);
  if (rows.length === 0) return undefined;
  const values = rows.flatMap((c) => {
    const e = c.equalCompute!;
    const f = { ...c.flops!, warmStartSteps: e.warmStartSteps };
    return e.perplexity
      .filter((p) => p.step > 0)
      .map((p) => ({
        line: lineName(c),
        flops: trainingFlops(f, p.step),
        ppl: p.mean,
        min: p.min,
        max: p.max,
      }));
  });
  return {
    title: "At equal compute: against training FLOPs (full rank's at the last step is the budget)",
    width: 760,
    height: 260,
    data: { values },
    layer: bandAndLine(
      {
        field: 'flops',
        type: 'quantitative',
        title: 'training FLOPs',
        axis: { format: '.2s' },
      },
      color,
    ),
  };
}
