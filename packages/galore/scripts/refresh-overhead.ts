// Share of training time the projector refreshes take in a relora-pretrain --method galore|fira run: npx tsx refresh-overhead.ts <run-dir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx packages/galore/scripts/refresh-overhead.ts <run directory>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const gap: number = config.update_proj_gap;
const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map(
    (line) =>
      JSON.parse(line) as { update_step: number; tokens_seen: number; throughput_tokens: number },
  );
// Seconds of each update step: its tokens over its throughput.
const perStep = config.total_batch_size * config.max_length;
const seconds = steps.map((s) => ({ step: s.update_step, s: perStep / s.throughput_tokens }));
// Update step k (1-based in metrics) ran the refresh when (k - 1) % gap == 0; the first step also
// pays one-time start-up costs, so it is left out.
const refresh = seconds.filter((x) => x.step > 1 && (x.step - 1) % gap === 0);
const other = seconds.filter((x) => x.step > 1 && (x.step - 1) % gap !== 0).map((x) => x.s);
other.sort((a, b) => a - b);
const median = other[Math.floor(other.length / 2)] ?? Number.NaN;
const extra = refresh.map((x) => x.s - median);
const meanExtra = extra.reduce((a, b) => a + b, 0) / Math.max(1, extra.length);
console.log(
  `update_proj_gap ${gap}; median step ${(median * 1000).toFixed(0)} ms over ${other.length} steps`,
);
console.log(
  `refresh steps ${refresh.map((x) => x.step).join(', ')}: ${extra.map((e) => `+${(e * 1000).toFixed(0)} ms`).join(', ')}`,
);
console.log(
  `refresh cost / time of the ${gap} steps between refreshes: ${((100 * meanExtra) / (gap * median)).toFixed(1)}%`,
);
