// The WebGPU backend: in browsers through navigator.gpu, in Node through Dawn (the npm package
// `webgpu`, an optional peer), which tfjs-backend-webgpu never wires up itself.
import { builtin, isNode } from './node-builtins';

// biome-ignore lint/suspicious/noExplicitAny: navigator.gpu and Dawn's module are untyped here.
type Any = any;

/** What the WebGPU adapter says about itself (the empty string where it says nothing). */
export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU rasteriser (lavapipe, llvmpipe, SwiftShader, WARP): correct, never fast. */
  software: boolean;
  /** The adapter's limits that bound what a run can hold, in bytes. */
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  /** The optional features it offers, e.g. `shader-f16`, `subgroups`. */
  features: string[];
}

const SOFTWARE_ADAPTERS = /lavapipe|llvmpipe|swiftshader|microsoft basic render|warp/i;

// The navigator.gpu this module set in Node, so releaseWebGpu removes only what it added.
let installedGpu: unknown;

/** Makes `navigator.gpu` exist in Node from the `webgpu` package; a no-op where it exists. */
async function installNodeGpu(): Promise<void> {
  const g = globalThis as Any;
  if (g.navigator?.gpu) return;
  if (!isNode())
    throw new Error('this browser has no navigator.gpu (WebGPU is off or unsupported)');
  let dawn: Any;
  try {
    dawn = await import(/* @vite-ignore */ ['web', 'gpu'].join(''));
  } catch (error) {
    throw new Error(
      `the npm package 'webgpu' (Dawn) is not installed (npm i webgpu@0.6.2): ${(error as Error).message.split('\n')[0]}`,
    );
  }
  // GPUBufferUsage and the other constants the backend reads as globals, where Node has none.
  for (const [key, value] of Object.entries(dawn.globals as object)) {
    if (!(key in g)) g[key] = value;
  }
  installedGpu = dawn.create([]);
  if (g.navigator)
    Object.defineProperty(g.navigator, 'gpu', { value: installedGpu, configurable: true });
  else g.navigator = { gpu: installedGpu };
}

/** What {@link readAdapter} gets from an adapter, before it is judged. */
interface RawAdapter {
  info: Record<string, unknown>;
  fallback: boolean;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  features: string[];
}

/**
 * Asks `gpu` for the adapter tfjs-backend-webgpu will get (it asks for high performance too) and
 * reads what it says; null without one. Self-contained: Node runs its source in a child process.
 */
async function readAdapter(gpu: Any): Promise<RawAdapter | null> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const fields: Record<string, unknown> = {};
  for (const key of ['vendor', 'architecture', 'device', 'description']) fields[key] = info[key];
  return {
    info: fields,
    fallback: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true,
    maxStorageBufferBindingSize: Number(adapter.limits.maxStorageBufferBindingSize),
    maxBufferSize: Number(adapter.limits.maxBufferSize),
    features: [...adapter.features].sort(),
  };
}

// Dawn says nothing more than "no adapter" (its own log goes to stderr); on Linux the usual causes
// are a missing Vulkan loader or an ICD file the loader cannot see (NVIDIA containers).
const NO_ADAPTER =
  'no WebGPU adapter: a GPU driver with Vulkan (Linux: libvulkan.so.1 and the ICD file of the ' +
  'driver, e.g. VK_DRIVER_FILES=/usr/share/vulkan/icd.d/nvidia_icd.json), Metal (macOS) or D3D12 ' +
  '(Windows) is needed';

function judged(raw: RawAdapter | null): WebGpuAdapter {
  if (!raw) throw new Error(NO_ADAPTER);
  const text = (key: string) => String(raw.info[key] ?? '');
  const described = {
    vendor: text('vendor'),
    architecture: text('architecture'),
    device: text('device'),
    description: text('description'),
  };
  return {
    ...described,
    software: raw.fallback || SOFTWARE_ADAPTERS.test(Object.values(described).join(' ')),
    limits: {
      maxStorageBufferBindingSize: raw.maxStorageBufferBindingSize,
      maxBufferSize: raw.maxBufferSize,
    },
    features: raw.features,
  };
}

/** The adapter tfjs-backend-webgpu will get here, described (installs navigator.gpu in Node). */
export async function describeWebGpuAdapter(): Promise<WebGpuAdapter> {
  await installNodeGpu();
  return judged(await readAdapter((globalThis as Any).navigator.gpu));
}

/**
 * The same description, read by a child Node process: Dawn prints warnings on stderr when it
 * opens an adapter, and a probe that ends with "not this one" must leave the user's terminal
 * (and this process) untouched. Node only.
 */
export async function probeWebGpuAdapter(): Promise<WebGpuAdapter> {
  const { createRequire } = builtin('node:module');
  const { pathToFileURL } = builtin('node:url');
  const { execFile } = builtin('node:child_process');
  let dawn: string;
  try {
    dawn = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    throw new Error(`the npm package 'webgpu' (Dawn) is not installed (npm i webgpu@0.6.2)`);
  }
  const script = [
    `const { create } = await import(${JSON.stringify(dawn)});`,
    `const readAdapter = ${readAdapter.toString()};`,
    'process.stdout.write(JSON.stringify(await readAdapter(create([]))));',
    'process.exit(0);',
  ].join('\n');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 60_000 },
      (error: Error | null, out: string, err: string) => {
        if (error) {
          const last = err
            .split('\n')
            .filter((l) => l && !l.startsWith('Warning:'))
            .at(-1);
          reject(new Error(`the WebGPU probe failed: ${last ?? error.message}`));
        } else resolve(out);
      },
    );
  });
  return judged(JSON.parse(stdout) as RawAdapter | null);
}

/**
 * The adapter in one phrase, e.g. `NVIDIA H200 (nvidia hopper)`, `llvmpipe (software)`, or
 * `google swiftshader (software)` where a browser gives only vendor and architecture.
 */
export function adapterName(adapter: WebGpuAdapter): string {
  const make = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ');
  const name = adapter.description || adapter.device;
  const detail = adapter.software ? 'software' : name ? make : '';
  const phrase = name || make || 'unnamed adapter';
  return detail ? `${phrase} (${detail})` : phrase;
}

/** Imports tfjs-backend-webgpu once navigator.gpu exists (it registers itself only then). */
export async function loadWebGpuBackend(): Promise<string> {
  await installNodeGpu();
  await import('@tensorflow/tfjs-backend-webgpu');
  // The package exports no version; it is pinned to tfjs-core's and published with it.
  return (await import('@tensorflow/tfjs-core')).version_core;
}

// WebGPU reports a validation error (an invalid shader, a pipeline over the device's limits) as an
// event and goes on computing nothing: without a listener a run continues with wrong numbers.
const deviceErrors: string[] = [];
const watchedDevices = new WeakSet<object>();

/** Records the uncaptured errors of `device` (tfjs-backend-webgpu's) for {@link takeDeviceErrors}. */
export function watchDeviceErrors(device: Any): void {
  if (!device || watchedDevices.has(device)) return;
  watchedDevices.add(device);
  device.addEventListener?.('uncapturederror', (event: Any) => {
    deviceErrors.push(String(event?.error?.message ?? event).split('\n')[0] ?? '');
  });
}

/**
 * The GPU device errors since the last call (webgpu only; empty elsewhere), and clears them. A
 * training loop checks it where it reads a step's results back: anything here means those results
 * are not to be trusted.
 */
export function takeDeviceErrors(): string[] {
  return deviceErrors.splice(0);
}

/**
 * Lets a Node process exit after a WebGPU run: the backend's device and Dawn's instance keep the
 * event loop alive. Removes the tfjs backend (its tensors are gone after this) and the
 * navigator.gpu this package installed. A no-op where neither exists.
 */
export function releaseWebGpu(removeBackend: () => void): void {
  removeBackend();
  const g = globalThis as Any;
  if (installedGpu !== undefined && g.navigator?.gpu === installedGpu) {
    Object.defineProperty(g.navigator, 'gpu', { value: undefined, configurable: true });
    installedGpu = undefined;
  }
}
