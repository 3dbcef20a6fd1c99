import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { relaxedProbe } from './relaxed-simd';

// A fresh Node process: whether it validates the probe, then after V8's flag is set at run time,
// then in a worker thread it starts (V8's flags are process-wide).
const CHILD = `
const { Worker } = require('node:worker_threads');
const probe = Uint8Array.from(Buffer.from(process.argv[1], 'hex'));
const before = WebAssembly.validate(probe);
require('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd');
const after = WebAssembly.validate(probe);
new Worker('const p = require("node:worker_threads").workerData; require("node:worker_threads").parentPort.postMessage(WebAssembly.validate(p));', { eval: true, workerData: probe })
  .once('message', (worker) => console.log(JSON.stringify({ before, after, worker })));
`;

describe('relaxed SIMD detection', () => {
  it("answers no in Node 20 until V8's flag is set at run time, then yes, in workers too", () => {
    const hex = Buffer.from(relaxedProbe()).toString('hex');
    const run = spawnSync(process.execPath, ['-e', CHILD, hex], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const answers = JSON.parse(run.stdout) as { before: boolean; after: boolean; worker: boolean };
    // Node 22 has relaxed SIMD on without the flag.
    const major = Number(process.versions.node.split('.')[0]);
    expect(answers).toEqual({ before: major >= 22, after: true, worker: true });
  });
});
