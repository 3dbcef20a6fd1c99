// The child's result line is found among whatever else a child prints.
import { describe, expect, it } from 'vitest';
import { parseResultLine, RESULT_MARKER } from './protocol';

describe('parseResultLine', () => {
  it('takes the last marked line and ignores other output', () => {
    const stdout = `Hi there from tfjs\n${RESULT_MARKER}{"a":1}\nnoise\n${RESULT_MARKER}{"a":2}\n`;
    expect(parseResultLine(stdout)).toEqual({ a: 2 });
  });

  it('returns null when no line is marked', () => {
    expect(parseResultLine('just logs\n')).toBeNull();
  });
});
