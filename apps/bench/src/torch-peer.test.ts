// The peer's protocol against a stub peer (no torch needed) and, where /usr/bin/python3 has torch, the real script.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llamaPreset } from '@relora/llama';
import { afterAll, describe, expect, it } from 'vitest';
import { countParameters } from './analytical';
import type { PeerRequest } from './peer-protocol';
import { startPeerProcess, startTorchPeer, TORCH_PEER_SCRIPT } from './torch-peer';

const dir = mkdtempSync(join(tmpdir(), 'relora-peer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A peer in a few lines of Node: `hello`, then per request a result (or an error for id 'bad'). */
const STUB = `
const readline = require('node:readline');
const say = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
say({ type: 'hello', torch: '0.0-stub', python: '3.0', executable: 'stub', threads: 1,
  mkldnn: false, mkl: false, blas: null, blasLibraries: [], blasKind: null, cpuCapability: null,
  config: [], attention: 'matmul-softmax', ompWaitPolicy: 'PASSIVE' });
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const r = JSON.parse(line);
  process.stdout.write('not json: a stray print\\n');
  if (r.id === 'bad') return say({ type: 'error', id: r.id, message: 'ValueError: bad case' });
  if (r.id === 'exit') process.exit(1);
  if (r.id === 'slow') return;
  say({ type: 'result', id: r.id, stepSec: Array(r.steps).fill(0.5), warmupStepsRun: r.warmupSteps,
    threads: r.threads, loss: { first: 5, last: 4 }, params: { total: 10, trainable: 7 } });
});
`;
const stub = join(dir, 'stub-peer.cjs');
writeFileSync(stub, STUB);
const unavailable = join(dir, 'no-torch.cjs');
writeFileSync(
  unavailable,
  `process.stdout.write(JSON.stringify({ type: 'unavailable', reason: "python9: No module named 'torch'" }) + '\\n'); process.exit(3);`,
);

const demo = llamaPreset('demo', { vocabSize: 258 });
const { maxSeqLen: _, ...model } = demo;
const request = (over: Partial<PeerRequest> = {}): PeerRequest => ({
  id: 'demo/full',
  mode: 'full',
  model,
  rank: null,
  loraAlpha: 32,
  loraDropout: 0,
  batchSize: 2,
  seqLen: 16,
  threads: 1,
  warmupSteps: 1,
  warmupSec: 0,
  settleSteps: 40,
  steps: 2,
  seed: 0,
  lr: 1e-3,
  maxGradNorm: 1,
  ...over,
});

describe('the peer protocol (stub peer)', () => {
  it('reads the hello, a result per request, an error as a failed case, and an exit', async () => {
    const peer = await startPeerProcess(process.execPath, [stub]);
    expect(peer.hello.torch).toBe('0.0-stub');
    const ok = await peer.run(request({ steps: 3 }), 30);
    expect(ok.ok && ok.result.stepSec).toEqual([0.5, 0.5, 0.5]);
    const bad = await peer.run(request({ id: 'bad' }), 30);
    expect(bad).toMatchObject({ ok: false, error: 'ValueError: bad case' });
    const gone = await peer.run(request({ id: 'exit' }), 30);
    expect(gone.ok).toBe(false);
    expect((await peer.run(request(), 30)).ok).toBe(false); // ended: no more cases
    peer.close();
  });

  it('kills a peer that does not answer within the case timeout', async () => {
    const peer = await startPeerProcess(process.execPath, [stub]);
    const slow = await peer.run(request({ id: 'slow' }), 0.5);
    expect(slow).toMatchObject({ ok: false, error: 'no reply within 0.5 s (peer killed)' });
    expect(await peer.run(request(), 30)).toMatchObject({ ok: false });
    peer.close();
  });

  it('is skipped with the reason when the interpreter is missing or has no torch', async () => {
    const missing = await startTorchPeer('/nonexistent/python3');
    expect(missing).toEqual({
      skipped: 'no python with torch (/nonexistent/python3: not found)',
    });
    const noTorch = await startTorchPeer(process.execPath, unavailable);
    expect('skipped' in noTorch && noTorch.skipped).toMatch(/No module named 'torch'/);
  });
});

const hasTorch =
  spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasTorch)('scripts/torch_peer.py on /usr/bin/python3', () => {
  it('trains the demo shape full rank and with LoRA, with our parameter counts', async () => {
    const peer = await startPeerProcess('/usr/bin/python3', [TORCH_PEER_SCRIPT]);
    try {
      expect(peer.hello.torch).toMatch(/^\d+\.\d+/);
      expect(peer.hello.config[0]).toMatch(/PyTorch built with/);
      const full = await peer.run(request(), 120);
      const lora = await peer.run(request({ id: 'demo/relora-r32', mode: 'lora', rank: 32 }), 120);
      if (!full.ok || !lora.ok) throw new Error(JSON.stringify([full, lora]));
      expect(full.result.stepSec).toHaveLength(2);
      expect(full.result.warmupStepsRun).toBe(1);
      const counts = (mode: 'full' | 'relora') =>
        countParameters(demo, mode, mode === 'full' ? undefined : { rank: 32 });
      expect(full.result.params).toEqual({
        total: counts('full').total,
        trainable: counts('full').trainable,
      });
      expect(lora.result.params).toEqual({
        total: counts('relora').total,
        trainable: counts('relora').trainable,
      });
      expect(Math.abs(full.result.loss.first - Math.log(258))).toBeLessThan(0.5);
    } finally {
      peer.close();
    }
  });
});
