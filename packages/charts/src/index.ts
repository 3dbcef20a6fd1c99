// Public API of @relora/charts: a Vega-Lite spec as SVG, rendered headless in Node.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec (v6, data inline) to an SVG document string, with Vega's headless
 * renderer: no browser, no canvas, no network (specs must not load data from URLs).
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
