// Starts tfjs-backend-wasm's threaded SIMD build in Node, where tfjs itself never does (its workers start from blob URLs).
import * as tf from '@tensorflow/tfjs-core';
import { builtin } from './node-builtins';

// biome-ignore lint/suspicious/noExplicitAny: the Emscripten module is untyped.
type Any = any;

/** The wasm backend's threaded module, set up the way tfjs-backend-wasm's own `init()` sets up its modules. */
async function loadThreadedModule(threads: number): Promise<Any> {
  const fs = builtin('node:fs');
  const os = builtin('node:os');
  const path = builtin('node:path');
  const { createRequire } = builtin('node:module');
  const require = createRequire(import.meta.url);
  const out = path.join(
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'wasm-out',
  );
  const factory = require(path.join(out, 'tfjs-backend-wasm-threaded-simd.js'));
  // The worker script ships as a JS string; newlines inside its string literals must stay escaped
  // (tfjs escapes them the same way before making its blob).
  const { wasmWorkerContents } = require(
    path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'),
  );
  const workerPath = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'relora-wasm-')),
    'threaded-simd.worker.cjs',
  );
  fs.writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, '\\n'));
  // The C++ side caps its pool at emscripten_num_logical_cores() / 2, read from os.cpus() at
  // start-up: on a 2-core machine that is 1 thread whatever is asked. Report enough cores for `threads`.
  const cpus = os.cpus;
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
  let module: Any;
  try {
    module = await factory({
      locateFile: (file: string) =>
        file.endsWith('.worker.js') ? workerPath : path.join(out, file),
      // A path, not tfjs' Blob: the workers load the main script with importScripts (fs in Node).
      mainScriptUrlOrBlob: path.join(out, 'tfjs-backend-wasm-threaded-simd.js'),
    });
  } finally {
    os.cpus = cpus;
  }
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

/**
 * Re-registers the 'wasm' backend to start the threaded SIMD build with `threads` threads (Node only;
 * browsers get it from tfjs when the page is cross-origin isolated). Call before the wasm backend
 * is first set. The pool's workers are unref'd so they never keep the process alive.
 */
export async function useThreadedWasm(threads: number): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // findBackend would initialise the backend; the factory registry says whether one is registered.
  if ('wasm' in (tf.engine() as Any).registryFactory) tf.removeBackend('wasm');
  wasm.setThreadsCount(threads);
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await loadThreadedModule(threads);
      const backend = new wasm.BackendWasm(module);
      for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers])
        worker.unref();
      return backend;
    },
    2,
  );
}
