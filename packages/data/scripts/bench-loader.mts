// Measures loader throughput (batches/s) on the Brown corpus: in memory and from shards.
// Run: npx tsx packages/data/scripts/bench-loader.mts [batchSize=8] [seqLen=256]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { type BatchLoader, createByteTokenizer } from '../src/index.ts';
import { loadBrownDocuments, openDataLoaders, pretokenize } from '../src/node.ts';

const batchSize = Number(process.argv[2] ?? 8);
const seqLen = Number(process.argv[3] ?? 256);
const tokenizer = createByteTokenizer();

/** Batches per second over ~1 s of calls. */
function rate(take: () => void): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    take();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

function report(label: string, loader: BatchLoader): void {
  const arrays = rate(() => loader.nextArrays());
  const tensors = rate(() => {
    const { inputIds, targets } = loader.next();
    tf.dispose([inputIds, targets]);
  });
  const tokens = (r: number) => `${((r * batchSize * seqLen) / 1e6).toFixed(1)}M tokens/s`;
  console.log(
    `${label}: ${arrays.toFixed(0)} batches/s as arrays (${tokens(arrays)}), ${tensors.toFixed(0)} as tensors (${tokens(tensors)})`,
  );
}

await tf.ready();
const options = { batchSize, seqLen, seed: 0 };
console.log(
  `batch ${batchSize} x seqLen ${seqLen}, byte tokenizer, tfjs backend ${tf.getBackend()}`,
);
const memory = await openDataLoaders({ ...options, tokenizer, source: { kind: 'brown' } });
report('Brown in memory', memory.train);
const dir = await mkdtemp(join(tmpdir(), 'relora-bench-'));
try {
  await pretokenize({
    source: await loadBrownDocuments(),
    tokenizer,
    outDir: join(dir, 'shards'),
    shardTokens: 1 << 20,
  });
  const shards = await openDataLoaders({
    ...options,
    tokenizer,
    source: { kind: 'shards', dir: join(dir, 'shards') },
  });
  report('Brown from shards', shards.train);
  shards.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
