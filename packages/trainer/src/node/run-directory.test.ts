// RunDirectory: logs continue from a resumed step only once the resumed run logs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDirectory } from './run-directory';

describe('RunDirectory', () => {
  const logged = (dir: RunDirectory) =>
    dir.readLines('metrics.jsonl').map((r) => r.update_step as number);

  it('continueAfter drops later lines only once a new line is appended', () => {
    const dir = new RunDirectory(mkdtempSync(join(tmpdir(), 'relora-run-directory-'))).create();
    for (let step = 1; step <= 4; step++) dir.appendMetrics({ update_step: step });
    dir.appendEval({ update_step: 4 });
    const before = readFileSync(join(dir.dir, 'metrics.jsonl'), 'utf8');
    dir.continueAfter(2);
    // a resume that fails before it logs anything leaves the logs as they were
    expect(readFileSync(join(dir.dir, 'metrics.jsonl'), 'utf8')).toBe(before);
    dir.appendMetrics({ update_step: 3 });
    expect(logged(dir)).toEqual([1, 2, 3]);
    expect(dir.readLines('eval.jsonl')).toEqual([]);
    dir.appendMetrics({ update_step: 4 });
    expect(logged(dir)).toEqual([1, 2, 3, 4]);
  });
});
