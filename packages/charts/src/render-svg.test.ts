import { describe, expect, it } from 'vitest';
import { renderSvg } from './index';

describe('renderSvg', () => {
  it('renders a Vega-Lite line chart to an SVG document with its title and points', async () => {
    const svg = await renderSvg({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'loss against step',
      data: {
        values: [
          { step: 0, loss: 5.5 },
          { step: 10, loss: 3.25 },
        ],
      },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'loss', type: 'quantitative' },
      },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('loss against step');
    expect(svg.match(/<path[^>]*aria-roledescription="point"/g)?.length ?? 0).toBe(2);
  });
});
