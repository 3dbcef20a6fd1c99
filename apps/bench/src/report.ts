// Renders the charts to SVG (no browser, no canvas) and the self-contained HTML report.
import { renderSvg } from '@relora/charts';
import { memorySpec, throughputSpec } from './chart-specs';
import type { BenchResults } from './results-schema';
import { formatNotes, formatTable } from './table';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Both charts as SVG and an HTML page holding them, the table, the setup and the checks. */
export async function renderReport(
  results: BenchResults,
): Promise<{ memorySvg: string; throughputSvg: string; html: string }> {
  const memorySvg = await renderSvg(memorySpec(results));
  const throughputSvg = await renderSvg(throughputSpec(results));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>relora-bench ${escapeHtml(results.createdAt)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:80em}pre{font-size:12px;overflow-x:auto}</style>
</head><body>
<h1>relora-bench</h1>
<p>${escapeHtml(results.createdAt)}. Memory: weights, gradients, AdamW m+v (GaLore/Fira: projected moments and projectors) and method state are analytical
(float32); resident, peak and activations are measured tensor bytes. ${escapeHtml(results.tolerance.statement)}</p>
${memorySvg}
${throughputSvg}
<h2>Table</h2>
<pre>${escapeHtml(formatTable(results))}

${escapeHtml(formatNotes(results))}</pre>
<h2>Model FLOPs</h2><p>${escapeHtml(results.flopsFormula)}</p>
<h2>Settings</h2><pre>${escapeHtml(JSON.stringify(results.settings, null, 2))}</pre>
<h2>Environment</h2><pre>${escapeHtml(JSON.stringify(results.environment, null, 2))}</pre>
</body></html>
`;
  return { memorySvg, throughputSvg, html };
}
