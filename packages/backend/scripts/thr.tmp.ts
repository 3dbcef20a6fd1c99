import { createRequire } from 'node:module';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as wasmPkg from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../src/index';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const out = join(pkgDir, 'wasm-out');
const factory = require(join(out, 'tfjs-backend-wasm-threaded-simd.js'));
const { wasmWorkerContents } = require(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'));
const dir = mkdtempSync(join(tmpdir(), 'relora-wasm-'));
const workerPath = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, '\\n'));
const threads = Number(process.argv[2] ?? '2');
import os from 'node:os';
async function initThreaded() {
  const cpus = os.cpus;
  // The C++ side caps threads at emscripten_num_logical_cores() / 2, read once at start-up from os.cpus().
  os.cpus = () => Array.from({ length: 16 }, () => cpus()[0]!);
  const module = await factory({
    locateFile: (path: string) => (path.endsWith('.worker.js') ? workerPath : join(out, path.endsWith('.wasm') ? 'tfjs-backend-wasm-threaded-simd.wasm' : path)),
    mainScriptUrlOrBlob: join(out, 'tfjs-backend-wasm-threaded-simd.js'),
  });
  os.cpus = cpus;
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}
tf.removeBackend('wasm');
wasmPkg.setThreadsCount(threads);
tf.registerBackend('wasm', async () => new wasmPkg.BackendWasm(await initThreaded()), 2);
registerWasmKernels();
await tf.setBackend('wasm');
console.log('threads', wasmPkg.getThreadsCount());
const mod = (tf.backend() as any).wasm;
console.log('direct', mod.tfjs.getThreadsCount());

const x = tf.randomNormal([1024, 128]); const w = tf.randomNormal([128, 352]);
for (let r = 0; r < 3; r++) tf.matMul(x, w).dispose();
let best = 1e9;
for (let r = 0; r < 10; r++) { const t0 = performance.now(); const z = tf.matMul(x, w); z.dataSync(); z.dispose(); best = Math.min(best, performance.now() - t0); }
console.log('matmul wall ms', best.toFixed(2), (2*1024*128*352/best/1e6).toFixed(1), 'GFLOP/s');
const y = tf.matMul(x, w); const ref = tf.sum(y).dataSync()[0]; console.log('sum', ref);
