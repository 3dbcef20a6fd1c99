import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { optionDefaults } from '../../pretrain/src/option-table';
import { QUALITY_DEFAULTS, type QualityOptions } from './options';
import { runQuality } from './quality';
import { qualityResultsSchema } from './results-schema';

const root = mkdtempSync(join(tmpdir(), 'quality-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Two configurations, 20 steps of 2 x 16 bytes: a few seconds a run. */
const tiny = (out: string, overwrite = false): QualityOptions => ({
  ...QUALITY_DEFAULTS,
  steps: 20,
  warmStartSteps: 10,
  relora: 5,
  evalEvery: 10,
  evalTokens: 256,
  backend: 'wasm',
  configs: ['full-rank', 'relora-joint'],
  pretrainArgs: [
    '--batch-size',
    '2',
    '--max-length',
    '16',
    '--warmup-steps',
    '2',
    '--restart-warmup-steps',
    '2',
  ],
  out,
  overwrite,
});

/** results.json without what differs between identical runs: dates and timings. */
function untimed(path: string) {
  const r = qualityResultsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return {
    ...r,
    createdAt: null,
    wallSec: null,
    configs: r.configs.map((c) => ({
      ...c,
      runs: c.runs.map((run) => ({ ...run, wallSec: null })),
    })),
  };
}

describe('relora-quality', () => {
  it('writes the table, JSON and SVG, the same for the same seed, and keeps earlier results', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const log: string[] = [];
    const [results] = await Promise.all([
      runQuality(tiny(a), 'test', (line) => log.push(line)),
      runQuality(tiny(b), 'test', () => {}),
    ]);
    expect(log).toHaveLength(2);
    expect(results.configs.map((c) => c.id)).toEqual(['full-rank', 'relora-joint']);
    const relora = results.configs[1]!;
    expect(relora.runs[0]!.restarts).toBe(1);
    expect(relora.perplexity.map((p) => p.step)).toEqual([0, 10, 20]);
    expect(relora.final!.mean).toBeLessThan(relora.perplexity[0]!.mean);
    expect(relora.vsFullRank).toBeCloseTo(
      relora.final!.mean / results.configs[0]!.final!.mean - 1,
      12,
    );

    const md = readFileSync(join(a, 'results.md'), 'utf8');
    expect(md).toContain('| ReLoRA, magnitude 0.99, joint mask |');
    expect(md).toContain('| 130M | 23.65 | 34.17 | 25.46 | 25.04 | +5.9% |');
    const svg = readFileSync(join(a, 'perplexity.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const file of ['results.md', 'perplexity.svg']) {
      expect(readFileSync(join(b, file), 'utf8')).toBe(readFileSync(join(a, file), 'utf8'));
    }
    expect(untimed(join(b, 'results.json'))).toEqual(untimed(join(a, 'results.json')));

    // an output folder with results is refused before anything runs, unless --overwrite
    const before = readFileSync(join(a, 'results.json'), 'utf8');
    await expect(runQuality(tiny(a), 'test', () => {})).rejects.toThrow(
      /results\.json exists .*--overwrite/,
    );
    expect(readFileSync(join(a, 'results.json'), 'utf8')).toBe(before);
  }, 300_000);

  it("trains CoLA again for full rank's FLOPs, and counts them from the run's config.json", async () => {
    const out = join(root, 'equal');
    const results = await runQuality(
      { ...tiny(out), configs: ['cola'], steps: 10, evalEvery: 10, equalCompute: true },
      'test',
      () => {},
    );
    const cola = results.configs[0]!;
    // demo model, byte vocabulary, T = 16: CoLA r 32 costs 0.43 of the dense step
    expect(cola.flops!.perToken / cola.flops!.fullRankPerToken).toBeCloseTo(0.428, 3);
    expect(cola.flops!.tokensPerStep).toBe(2 * 16);
    const e = cola.equalCompute!;
    expect(e).toMatchObject({ steps: 23, separate: true, warmStartSteps: 0 });
    expect(e.args).toEqual([
      '--num-training-steps',
      '23',
      '--warmup-steps',
      '5',
      '--save-every',
      '23',
    ]);
    expect(e.runs[0]!.evals.map((x) => x.step)).toEqual([0, 10, 20, 23]);
    expect(e.final!.mean).toBe(e.runs[0]!.evals.at(-1)!.perplexity);
    expect(Math.abs(e.flops / e.budget - 1)).toBeLessThan(0.03);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toContain('| CoLA r 32 | 2.19M | 0.43x |');
    expect(
      qualityResultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')))
        .version,
    ).toBe(2);
  }, 300_000);

  it('refuses unknown configurations and periods that do not divide the LoRA phase', async () => {
    const out = join(root, 'bad');
    await expect(
      runQuality({ ...tiny(out), configs: ['relora-nope'] }, 'test', () => {}),
    ).rejects.toThrow(/unknown configuration relora-nope; expected some of full-rank, lora/);
    await expect(
      runQuality({ ...tiny(out), configs: ['no-warm-start-zero'], relora: 15 }, 'test', () => {}),
    ).rejects.toThrow(/--relora 15 must divide the LoRA phase of 20 steps/);
    expect(existsSync(out)).toBe(false);
  });

  it("compares at relora-pretrain's defaults (the demo run)", () => {
    const d = optionDefaults();
    expect({
      steps: QUALITY_DEFAULTS.steps,
      warmStartSteps: QUALITY_DEFAULTS.warmStartSteps,
      relora: QUALITY_DEFAULTS.relora,
      lr: QUALITY_DEFAULTS.lr,
      warmStartLr: QUALITY_DEFAULTS.warmStartLr,
      modelConfig: QUALITY_DEFAULTS.modelConfig,
      dataset: QUALITY_DEFAULTS.dataset,
      tokenizer: QUALITY_DEFAULTS.tokenizer,
    }).toEqual({
      steps: d.numTrainingSteps,
      warmStartSteps: d.warmStartSteps,
      relora: d.relora,
      lr: d.lr,
      warmStartLr: d.warmStartLr,
      modelConfig: d.modelConfig,
      dataset: d.dataset,
      tokenizer: d.tokenizer,
    });
  });
});
