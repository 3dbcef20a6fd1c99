// Worker threads of data-parallel training: starting one (from dist or, under tsx/vitest, from source) and asking it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Starts the replica worker: `url`, else `data-parallel-worker.js` beside this module (dist), else
 * its `.ts` source through tsx's loader (tests and scripts run from source).
 */
export function spawnWorker(url: URL | undefined): Worker {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
  const js = url ?? new URL('./data-parallel-worker.js', here);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL('./data-parallel-worker.ts', here);
  if (!existsSync(fileURLToPath(ts)))
    throw new Error(`data-parallel: worker script not found at ${fileURLToPath(js)}`);
  const boot = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(ts.href)}, ${JSON.stringify(ts.href)}))`;
  return new Worker(boot, { eval: true });
}

/** Sends `message` and resolves with the worker's `result`; rejects with its error or if it dies. */
export function call<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { ok: boolean; result?: T; error?: string }) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      worker.unref();
      if (reply.ok) resolve(reply.result as T);
      else reject(new Error(reply.error));
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      reject(error);
    };
    const onExit = (code: number) =>
      onError(new Error(`data-parallel: a worker thread exited (code ${code}) before answering`));
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    // Referenced only while a reply is due: an idle pool never keeps the process alive.
    worker.ref();
    worker.postMessage(message);
  });
}

/** Backends that load in a worker thread, so data-parallel training can run on them. */
export const DATA_PARALLEL_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

/** The main thread's backend, which the workers use too (wasm or cpu). */
export function tfBackendName(): BackendName {
  const name = tf.getBackend();
  if ((DATA_PARALLEL_BACKENDS as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`data-parallel: the '${name}' backend is not supported in workers (wasm or cpu)`);
}
