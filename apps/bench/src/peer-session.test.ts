// The peer's part of a run: what each case asks PyTorch, the ratio, its checks, and the results file.
import { describe, expect, it } from 'vitest';
import { planCase } from './case-plan';
import { compareCases } from './comparisons';
import type { BenchCase } from './matrix';
import { BENCH_DEFAULTS, type BenchOptions, QUICK } from './options';
import { peerCase, peerChecks, peerRequest } from './peer-session';
import { presetConfig } from './presets';
import { validateResults } from './results-schema';
import { formatNotes, formatTable } from './table';
import { tinyResults } from './tiny-results.test-support';
import type { PeerOutcome } from './torch-peer';

const options: BenchOptions = { ...BENCH_DEFAULTS, ...QUICK, loraDropout: 0, peer: 'torch' };
const plan = (c: Partial<BenchCase>) =>
  planCase(
    { id: 'demo/full', preset: 'demo', mode: 'full', rank: null, threads: null, workers: 1, ...c },
    presetConfig('demo', options.vocabSize, options.seqLen),
    options,
  );

const ran = (stepSec: number[], warmupStepsRun = 40): PeerOutcome => ({
  ok: true,
  wallSec: 1,
  result: {
    type: 'result',
    id: 'x',
    stepSec,
    warmupStepsRun,
    threads: 1,
    loss: { first: 5.6, last: 5.5 },
    params: { total: 620, trainable: 348 },
  },
});

describe('peerRequest', () => {
  it('asks for the same model, tokens and step; relora is a LoRA step; one thread', () => {
    const full = peerRequest(plan({}))!;
    expect(full).toMatchObject({ mode: 'full', batchSize: 8, seqLen: 64, threads: 1, steps: 10 });
    expect(full.model).toMatchObject({ hiddenSize: 128, vocabSize: 258, rmsNormEps: 1e-6 });
    expect(full).toMatchObject({ lr: 1e-3, maxGradNorm: 1, settleSteps: 40, loraDropout: 0 });
    const relora = peerRequest(plan({ id: 'demo/relora-r32', mode: 'relora', rank: 32 }))!;
    expect(relora).toMatchObject({ mode: 'lora', rank: 32, loraAlpha: 32 });
  });

  it('runs a w-worker case as w torch threads over the same w x batch rows', () => {
    const w2 = peerRequest(plan({ id: 'demo/full/w2', workers: 2 }))!;
    expect(w2).toMatchObject({ batchSize: 16, threads: 2 });
    expect(peerRequest(plan({ id: 'demo/full/t2', threads: 2 }))?.threads).toBe(2);
  });

  it('has no request for a mode PyTorch has no counterpart of here', () => {
    expect(peerRequest(plan({ id: 'demo/galore-r32', mode: 'galore', rank: 32 }))).toBeNull();
  });
});

describe('peerCase', () => {
  const tiny = tinyResults();
  const ours = tiny.cases[0]!.derived!;
  const request = peerRequest(plan({}))!; // 512 tokens a step

  it('pools every round and gives our median tokens/s over the peer median', () => {
    const peer = peerCase(request, [ran([0.1, 0.2]), ran([0.2, 0.3], 38)], ours);
    expect(peer.status).toBe('ok');
    expect(peer.stepMs?.n).toBe(4);
    expect(peer.stepMs?.median).toBeCloseTo(200);
    expect(peer.tokensPerSec?.median).toBeCloseTo(2560);
    expect(peer.ratio).toBeCloseTo(ours.tokensPerSec.median / 2560);
    expect(peer.warmupStepsRun).toBe(38);
  });

  it('is failed, with no ratio, when a round failed or our case did', () => {
    const failed = peerCase(request, [ran([0.1]), { ok: false, error: 'boom', wallSec: 1 }], ours);
    expect(failed).toMatchObject({ status: 'failed', error: 'boom', ratio: null, stepMs: null });
    expect(peerCase(request, [ran([0.1])], null).ratio).toBeNull();
  });
});

describe('results with a peer', () => {
  const results = tinyResults();
  const c = results.cases[0]!;
  c.peer = peerCase(peerRequest(plan({}))!, [ran([0.5, 0.5])], c.derived);

  it('validate, show ours/torch in the table and the comparisons, and check the parameters', () => {
    results.environment.peer = {
      name: 'torch',
      torch: '1.13.0',
      python: '3.11.2',
      executable: '/usr/bin/python3',
      threads: 2,
      mkldnn: true,
      mkl: false,
      blas: 'generic',
      blasLibraries: [],
      blasKind: 'openblas',
      cpuCapability: 'AVX2',
      config: ['PyTorch built with:'],
      attention: 'matmul-softmax',
      ompWaitPolicy: 'PASSIVE',
    };
    results.comparisons = compareCases(results.cases);
    const read = validateResults(JSON.parse(JSON.stringify(results)));
    expect(read.cases[0]?.peer?.ratio).toBeCloseTo(c.derived!.tokensPerSec.median / 1024);
    expect(read.comparisons).toContainEqual({
      name: 'ours-vs-torch-throughput',
      caseId: c.id,
      baselineId: `torch:${c.id}`,
      ratio: c.peer!.ratio,
    });
    expect(formatTable(read)).toMatch(/torch tok\/s\s+ours\/torch/);
    expect(formatTable(read)).toMatch(/1024\s+\d+\.\d\dx/);
    expect(formatNotes(read)).toMatch(/torch peer: torch 1\.13\.0.*BLAS openblas/);
    // the stub's 620 total and 348 trainable are the tiny model's analytical counts
    expect(peerChecks(read.cases).map((k) => k.ok)).toEqual([true, true]);
  });

  it('lists a case the peer failed under the table', () => {
    const failed = tinyResults();
    const request = peerRequest(plan({}))!;
    failed.cases[0]!.peer = peerCase(request, [{ ok: false, error: 'boom', wallSec: 1 }], null);
    expect(formatTable(failed)).toMatch(/FAILED\s+ok$/m);
    expect(formatNotes(failed)).toMatch(/FAILED torch tiny\/relora-r2: boom/);
  });

  it('reads older results, without a peer, as none', () => {
    const old = JSON.parse(JSON.stringify(tinyResults()));
    delete old.environment.peer;
    delete old.cases[0].peer;
    const read = validateResults(old);
    expect(read.environment.peer).toBeNull();
    expect(read.cases[0]?.peer).toBeNull();
    expect(formatTable(read)).not.toMatch(/torch/);
  });
});
