// Picks and initialises the best TensorFlow.js backend that loads here.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tfjs-layers' bundle registers them all, for any backend.
import { version_layers } from '@tensorflow/tfjs-layers';
import type { KernelError } from '../kernel-table';
import { installGpuPeakTracking, installPeakTracking } from '../memory/memory-report';
import { registerCpuKernels } from '../register-cpu-kernels';
import { registerWasmKernels, wasmKernelErrors } from '../register-wasm-kernels';
import { registerWebGpuKernels } from '../register-webgpu-kernels';
import { batchMatMulGradConfig } from '../replacements/batch-mat-mul-grad';
import {
  allowRelaxedFma,
  enableRelaxedSimd,
  type WasmSimdFeatures,
  wasmSimdFeatures,
} from '../wasm/relaxed-simd';
import { isNode } from './node-builtins';
import { type TfjsNodePackage, tfjsNodeUnavailable, withTfjsWarningsOff } from './tfjs-node-probe';
import { useThreadedWasm } from './threaded-wasm-node';
import {
  adapterName,
  describeWebGpuAdapter,
  loadWebGpuBackend,
  probeWebGpuAdapter,
  releaseWebGpu,
  type WebGpuAdapter,
  watchDeviceErrors,
} from './webgpu';

/** Backends in the order `initBackend` tries them. */
export type BackendName = 'webgpu' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface InitBackendOptions {
  /** Force one backend; `initBackend` throws, naming the cause, if it cannot load. Default: best available. */
  prefer?: BackendName;
  /**
   * Threads for the wasm backend's XNNPACK pool (matmuls and most kernels split their work over it).
   * Above 1 in Node, @relora/backend starts tfjs-backend-wasm's threaded SIMD build itself (tfjs
   * never does in Node); in browsers tfjs uses it when the page is cross-origin isolated.
   * It applies when wasm is first initialised in the process: asking for another count once wasm
   * tensors exist throws. Default: 1 (the single-threaded build, as tfjs does in Node).
   */
  wasmThreads?: number;
  /**
   * Relaxed SIMD's fused multiply-add in the wasm matmul loop where the engine has it (in Node 20
   * `initBackend` sets V8's `--experimental-wasm-relaxed-simd` for it; Node 22 and Chrome 114+
   * have it on). Faster, and its sums round once per product instead of twice: equal to the plain
   * loop's within float32 tolerance, not bit for bit. `false` keeps the plain loop, whose results
   * are the same bits on every engine. Default: on, unless the environment has
   * `RELORA_WASM_RELAXED=0`. Each call that picks wasm decides it again.
   */
  wasmRelaxedSimd?: boolean;
}

/** Defaults of {@link InitBackendOptions}. */
export const INIT_BACKEND_DEFAULTS = {
  order: ['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as readonly BackendName[],
} as const;

export interface BackendInfo {
  /** The backend chosen, in our naming. */
  name: BackendName;
  /** What `tf.getBackend()` reports ('webgpu', 'tensorflow', 'wasm' or 'cpu'). */
  tfBackend: string;
  /** Package versions that matter for reproducing a run, e.g. `{ 'tfjs-core': '4.22.0', 'tfjs-backend-wasm': '4.22.0' }`. */
  versions: Record<string, string>;
  /** Why each backend tried before the chosen one was skipped. */
  skipped: Array<{ name: BackendName; reason: string }>;
  /** The GPU adapter (webgpu only): vendor, architecture, device, limits, features. */
  adapter?: WebGpuAdapter;
  /** Threads the wasm backend runs on (wasm only). */
  threads?: number;
  /** WebAssembly SIMD and relaxed SIMD here, and whether the matmul loop uses relaxed FMA (wasm only). */
  wasmSimd?: WasmSimdFeatures;
  /**
   * Kernels @relora/backend registered for the chosen backend (wasm: the ones it lacks or runs
   * slowly, and the fused kernels; cpu and webgpu: the fused kernels, see `CPU_KERNELS` and
   * `WEBGPU_KERNELS`; tfjs-node: none).
   */
  kernels: string[];
  /**
   * Kernels whose WebAssembly failed to compile or bind on this backend, and why (wasm only; empty
   * when all run as built). Such a kernel still gives the same results through a slower path.
   */
  kernelErrors: KernelError[];
}

/**
 * One line naming the backends tried before the chosen one and why each was skipped, e.g.
 * `backends skipped: tensorflow-gpu (...); tensorflow (...)`; `undefined` when none was.
 */
export function describeSkippedBackends(info: Pick<BackendInfo, 'skipped'>): string | undefined {
  if (info.skipped.length === 0) return undefined;
  return `backends skipped: ${info.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`;
}

interface Loaded {
  tfBackend: string;
  versions: Record<string, string>;
  adapter?: WebGpuAdapter;
}

// A computed specifier keeps bundlers from resolving optional peers that are not installed.
function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

// tfjs-node exports `version: { 'tfjs-node': '4.22.0', ... }`.
function nodeVersions(mod: unknown): Record<string, string> {
  const version = (mod as { version?: unknown }).version;
  return typeof version === 'object' && version !== null
    ? { ...(version as Record<string, string>) }
    : {};
}

// Imports a tfjs-node package only once it looks loadable, so a missing one costs no warnings.
async function loadTfjsNode(pkg: TfjsNodePackage): Promise<Loaded> {
  const unavailable = tfjsNodeUnavailable(pkg);
  if (unavailable) throw new Error(unavailable);
  const mod = await withTfjsWarningsOff(() => importOptional(pkg));
  return { tfBackend: 'tensorflow', versions: nodeVersions(mod) };
}

// A software adapter computes correctly but slower than wasm: it is taken only when asked for.
async function loadWebGpu(asked: boolean): Promise<Loaded> {
  // Unasked, Node probes in a child process: a probe that ends in "not this adapter" leaves no
  // Dawn warnings on the terminal and no Dawn instance keeping this process alive.
  const adapter = await (asked || !isNode() ? describeWebGpuAdapter() : probeWebGpuAdapter());
  if (adapter.software && !asked) {
    throw new Error(
      `${adapterName(adapter)} is a software adapter, never picked automatically (ask for webgpu to use it)`,
    );
  }
  const version = await loadWebGpuBackend();
  return { tfBackend: 'webgpu', versions: { 'tfjs-backend-webgpu': version }, adapter };
}

async function load(name: BackendName, options: InitBackendOptions): Promise<Loaded> {
  switch (name) {
    case 'webgpu':
      return loadWebGpu(options.prefer === 'webgpu');
    case 'tensorflow-gpu':
      return loadTfjsNode('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return loadTfjsNode('@tensorflow/tfjs-node');
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      await setWasmThreads(options.wasmThreads);
      if (options.wasmRelaxedSimd !== false) enableRelaxedSimd();
      allowRelaxedFma(options.wasmRelaxedSimd);
      return { tfBackend: 'wasm', versions: { 'tfjs-backend-wasm': wasm.version_wasm } };
    }
    case 'cpu': {
      const cpu = await import('@tensorflow/tfjs-backend-cpu');
      return { tfBackend: 'cpu', versions: { 'tfjs-backend-cpu': cpu.version_cpu } };
    }
  }
}

// tfjs-backend-cpu prints a banner advising tfjs-node on its first tensor in Node; which backend
// runs is the caller's choice, reported in BackendInfo, so the banner is noise.
function silenceCpuBanner(): void {
  const registry = (tf.engine() as unknown as { registry: Record<string, { firstUse?: boolean }> })
    .registry;
  const cpu = registry.cpu; // only an initialised cpu backend: findBackend would create one
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

// tfjs-node-gpu falls back to the CPU, silently, when libtensorflow finds no CUDA 11.2 / cuDNN 8.1
// device; a GPU backend that computes on the CPU must not be reported as one.
function checkCudaDevice(): void {
  const backend = tf.backend() as { isUsingGpuDevice?: boolean };
  if (backend.isUsingGpuDevice !== true) {
    throw new Error(
      'tfjs-node-gpu found no CUDA device (it needs CUDA 11.2 and cuDNN 8.1) and would run on the CPU',
    );
  }
}

/**
 * Lets a Node process exit after a run on webgpu (Dawn's device keeps the event loop alive):
 * removes the webgpu backend and the navigator.gpu `initBackend` installed. Call it last: the
 * backend's tensors are gone after it. A no-op on other backends.
 */
export function releaseBackend(): void {
  releaseWebGpu(() => {
    const registry = (tf.engine() as unknown as { registry: object }).registry;
    if ('webgpu' in registry) tf.engine().removeBackend('webgpu');
  });
}

// The kernels @relora/backend registers per backend; tfjs-node has all it needs.
const REGISTER_KERNELS: Partial<Record<BackendName, () => string[]>> = {
  webgpu: registerWebGpuKernels,
  wasm: registerWasmKernels,
  cpu: registerCpuKernels,
};

let wasmThreadsSet = 1;

async function setWasmThreads(threads: number | undefined): Promise<void> {
  if (threads === undefined || threads === wasmThreadsSet) return;
  const initialised = 'wasm' in (tf.engine() as unknown as { registry: object }).registry;
  if (initialised) {
    throw new Error(
      `wasmThreads: the wasm backend already runs with ${wasmThreadsSet} thread(s); pass wasmThreads=${threads} to the first initBackend call that picks wasm`,
    );
  }
  if (isNode()) await useThreadedWasm(threads);
  else (await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(threads);
  wasmThreadsSet = threads;
}

async function threadsOf(name: BackendName): Promise<number | undefined> {
  if (name !== 'wasm') return undefined;
  return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
}

/**
 * Initialises the best backend that loads and makes it current: webgpu on a hardware adapter
 * (Dawn in Node), tfjs-node-gpu on a CUDA device, tfjs-node, wasm, then cpu. A software WebGPU
 * adapter (lavapipe, SwiftShader) is taken only with `prefer: 'webgpu'`. With wasm it also registers the kernels wasm lacks or runs slowly and the fused
 * kernels (see `registerWasmKernels`), with cpu and webgpu the fused kernels (see
 * `registerCpuKernels`, `registerWebGpuKernels`).
 * @throws when `prefer` names a backend that cannot load (the message says why), or none loads.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (
    options.wasmThreads !== undefined &&
    !(Number.isInteger(options.wasmThreads) && options.wasmThreads >= 1)
  ) {
    throw new Error(`initBackend: wasmThreads must be an integer >= 1, got ${options.wasmThreads}`);
  }
  const candidates = options.prefer ? [options.prefer] : INIT_BACKEND_DEFAULTS.order;
  const skipped: BackendInfo['skipped'] = [];
  installPeakTracking();
  // Registered after tfjs-layers' import so it replaces core's BatchMatMul gradient.
  tf.registerGradient(batchMatMulGradConfig);
  for (const name of candidates) {
    try {
      const loaded = await load(name, options);
      const kernels = REGISTER_KERNELS[name]?.() ?? [];
      const ok = await tf.setBackend(loaded.tfBackend);
      if (!ok) throw new Error(`tf.setBackend('${loaded.tfBackend}') returned false`);
      await tf.ready();
      if (name === 'tensorflow-gpu') checkCudaDevice();
      if (name === 'webgpu') watchDeviceErrors((tf.backend() as { device?: unknown }).device);
      installGpuPeakTracking();
      silenceCpuBanner();
      const kernelErrors = name === 'wasm' ? wasmKernelErrors(tf.backend()) : [];
      const versions = {
        'tfjs-core': tf.version_core,
        'tfjs-layers': version_layers,
        ...loaded.versions,
      };
      const threads = await threadsOf(name);
      return {
        name,
        tfBackend: loaded.tfBackend,
        versions,
        skipped,
        kernels,
        kernelErrors,
        ...(loaded.adapter ? { adapter: loaded.adapter } : {}),
        ...(threads ? { threads } : {}),
        ...(name === 'wasm' ? { wasmSimd: wasmSimdFeatures() } : {}),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      if (options.prefer) {
        throw new Error(`initBackend: backend '${name}' could not be loaded: ${reason}`);
      }
      skipped.push({ name, reason });
    }
  }
  throw new Error(
    `initBackend: no backend loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
  );
}
