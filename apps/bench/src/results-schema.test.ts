// The results schema accepts a complete result and names what is wrong in a broken one.
import { describe, expect, it } from 'vitest';
import { caseMeasurementSchema } from './case-schema';
import { validateResults } from './results-schema';
import { tinyMeasurement, tinyResults } from './test-fixtures';

describe('validateResults', () => {
  it('accepts a complete result, unchanged', () => {
    const results = tinyResults();
    expect(validateResults(JSON.parse(JSON.stringify(results)))).toEqual(results);
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
