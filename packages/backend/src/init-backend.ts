// Picks and initialises the best TensorFlow.js backend that loads here.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tfjs-layers' bundle registers them all, for any backend.
import '@tensorflow/tfjs-layers';

/** Backends in the order `initBackend` tries them. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface InitBackendOptions {
  /** Force one backend; `initBackend` throws if it cannot load. Default: best available. */
  prefer?: BackendName;
}

export interface BackendInfo {
  /** The backend chosen, in our naming. */
  name: BackendName;
  /** What `tf.getBackend()` reports. */
  tfBackend: string;
  /** Package versions that matter for reproducing a run. */
  versions: Record<string, string>;
  /** Why each backend tried before the chosen one was skipped. */
  skipped: Array<{ name: BackendName; reason: string }>;
}

const ORDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

// A computed specifier keeps bundlers from resolving optional peers that are not installed.
function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

async function load(name: BackendName): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
      await importOptional('@tensorflow/tfjs-node-gpu');
      return 'tensorflow';
    case 'tensorflow':
      await importOptional('@tensorflow/tfjs-node');
      return 'tensorflow';
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      return 'wasm';
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return 'cpu';
  }
}

/**
 * Initialises the best backend that loads: tfjs-node-gpu, tfjs-node, wasm, then cpu.
 * `prefer` forces one and throws, naming the cause, when it cannot load.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const candidates = options.prefer ? [options.prefer] : ORDER;
  const skipped: BackendInfo['skipped'] = [];
  for (const name of candidates) {
    try {
      const tfBackend = await load(name);
      const ok = await tf.setBackend(tfBackend);
      if (!ok) throw new Error(`tf.setBackend('${tfBackend}') returned false`);
      await tf.ready();
      return { name, tfBackend, versions: { 'tfjs-core': tf.version_core }, skipped };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      if (options.prefer) {
        throw new Error(`initBackend: backend '${name}' could not be loaded: ${reason}`);
      }
      skipped.push({ name, reason });
    }
  }
  throw new Error(`initBackend: no backend loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`);
}
