import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, demoConfigJson } from './flops.test-support';
import { parseRunConfig, readRunConfig } from './run-config';

const root = mkdtempSync(join(tmpdir(), 'quality-run-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parseRunConfig', () => {
  it('reads the model, tokens per step and schedule of a ReLoRA run', () => {
    expect(parseRunConfig(demoConfigJson('relora', null))).toEqual({
      method: 'relora',
      mode: 'relora',
      model: DEMO_MODEL,
      seqLen: 64,
      tokensPerStep: 512,
      steps: 500,
      warmStartSteps: 125,
      relora: 125,
      warmupSteps: 20,
      restartWarmupSteps: 10,
      rank: 32,
      loraR: 32,
    });
  });

  it('names the method, and drops the warm start and restarts a full-mode run does not use', () => {
    const c = parseRunConfig(demoConfigJson('full', 'cola', { total_batch_size: 16 }));
    expect([c.method, c.warmStartSteps, c.relora, c.tokensPerStep]).toEqual([
      'cola',
      0,
      null,
      1024,
    ]);
  });

  it('says which file is not a run config', () => {
    writeFileSync(join(root, 'config.json'), '{"mode": "full"}');
    expect(() => readRunConfig(root)).toThrow(/config\.json: not a relora-pretrain run config/);
  });
});
