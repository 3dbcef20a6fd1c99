// The results schema accepts a complete result and names what is wrong in a broken one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caseMeasurementSchema } from './case-schema';
import { deriveFigures } from './derive';
import { validateResults } from './results-schema';
import { tinyMeasurement, tinyResults, tinyWorkersMeasurement } from './tiny-results.test-support';

describe('validateResults', () => {
  it('accepts a complete result, unchanged', () => {
    const results = tinyResults();
    expect(validateResults(JSON.parse(JSON.stringify(results)))).toEqual(results);
  });

  it('round-trips a workers case: ceilings, no forward pass, no restarts', () => {
    const results = tinyResults();
    const measured = tinyWorkersMeasurement();
    const derived = deriveFigures(measured, {
      batchSize: 2,
      workers: 2,
      seqLen: 3,
      flopsPerToken: 3104,
      reloraEvery: 10,
    });
    results.cases.push({
      ...results.cases[0]!,
      id: 'tiny/relora-r2/w2',
      workers: 2,
      measured,
      derived,
    });
    const back = validateResults(JSON.parse(JSON.stringify(results)));
    expect(back).toEqual(results);
    expect(back.cases[1]?.measured?.twoThreadCeiling?.map((k) => k.at)).toEqual([
      'before-steps',
      'after-steps',
    ]);
    expect(back.cases[1]?.derived?.backwardMs).toBeNull();
  });

  it('reads results written before workers existed as one-thread cases', () => {
    const file = new URL('../results/quick-demo-wasm-2cpu-threads.json', import.meta.url);
    const results = validateResults(JSON.parse(readFileSync(file, 'utf8')));
    expect(results.cases.every((c) => c.workers === 1)).toBe(true);
    expect(results.cases.every((c) => c.measured?.twoThreadCeiling === null)).toBe(true);
  });

  it('accepts a failed case without measurements', () => {
    const results = tinyResults();
    results.cases[0] = {
      ...results.cases[0]!,
      status: 'failed',
      error: 'boom',
      measured: null,
      derived: null,
    };
    expect(validateResults(results).cases[0]?.error).toBe('boom');
  });

  it('names every wrong field', () => {
    const broken = tinyResults() as unknown as Record<string, unknown>;
    broken.tool = 'other';
    const env = broken.environment as Record<string, unknown>;
    delete env.cpuModel;
    expect(() => validateResults(broken)).toThrow(/tool: .*\n.*environment\.cpuModel/s);
  });

  it('rejects a child measurement with a negative byte count', () => {
    const m = tinyMeasurement();
    m.memory.peakBytes = -1;
    const parsed = caseMeasurementSchema.safeParse(m);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['memory', 'peakBytes']);
  });
});
