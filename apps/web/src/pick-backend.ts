// Picks the best TensorFlow.js backend this browser runs: WebGPU, then WebGL, then wasm, then cpu.
import { adapterName, initBackend, wasmSimdFeatures } from '@relora/backend';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';

/** Browser backends, best first. */
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

/** The backend in use and why the better ones were skipped. */
export interface PickedBackend {
  name: BrowserBackend;
  /** The WebGPU adapter in one phrase (webgpu only). */
  adapter?: string;
  /** wasm only: the matmul loop runs relaxed SIMD's fused multiply-add (Chrome 114+, not Safari). */
  wasmFma?: boolean;
  skipped: Array<{ name: BrowserBackend; reason: string }>;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

/** The WebGL renderer's name (e.g. 'ANGLE (..., SwiftShader ...)'), if the browser tells. */
function webglRenderer(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return typeof renderer === 'string' ? renderer : undefined;
}

/** Makes `name` current; returns the WebGPU adapter's name on webgpu. */
async function activate(name: BrowserBackend, forced: boolean): Promise<string | undefined> {
  if (name === 'webgpu') {
    if (!('gpu' in navigator)) throw new Error('navigator.gpu is missing');
    // Through initBackend, which also registers ReLoRA's fused kernels for webgpu.
    const { adapter } = await initBackend({ prefer: 'webgpu' });
    const named = adapter ? adapterName(adapter) : 'unnamed adapter';
    // A software adapter (SwiftShader in a browser without a GPU) trains slower than wasm, as
    // emulated WebGL does; it is used only when asked for.
    if (adapter?.software && !forced) throw new Error(`software WebGPU adapter (${named})`);
    return named;
  } else if (name === 'webgl') {
    const renderer = webglRenderer();
    // Emulated WebGL (headless browsers, no GPU driver) trains ~10x slower than wasm.
    if (renderer && SOFTWARE_RENDERER.test(renderer))
      throw new Error(`software WebGL renderer (${renderer})`);
    await import('@tensorflow/tfjs-backend-webgl');
  } else if (name === 'wasm') {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files are bundled assets; tfjs would otherwise look next to the page.
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
    });
    await initBackend({ prefer: 'wasm' }); // also registers the kernels wasm lacks
    return;
  }
  if (name !== 'cpu' && !(await tf.setBackend(name)))
    throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  return undefined;
}

/**
 * Makes the best backend current: a hardware WebGPU adapter, hardware WebGL, wasm, cpu. `cpu` is
 * set up first through `initBackend`, which registers the gradients every backend uses; `prefer`
 * forces one backend (a software adapter or renderer included) and throws if it cannot load.
 */
export async function pickBackend(prefer?: string): Promise<PickedBackend> {
  await initBackend({ prefer: 'cpu' });
  if (prefer !== undefined && !BROWSER_BACKENDS.includes(prefer as BrowserBackend)) {
    throw new Error(`backend must be one of ${BROWSER_BACKENDS.join(', ')}, got '${prefer}'`);
  }
  const candidates = prefer ? [prefer as BrowserBackend] : BROWSER_BACKENDS;
  const skipped: PickedBackend['skipped'] = [];
  for (const name of candidates) {
    try {
      const adapter = await activate(name, prefer !== undefined);
      return {
        name,
        skipped,
        ...(adapter ? { adapter } : {}),
        ...(name === 'wasm' ? { wasmFma: wasmSimdFeatures().fma } : {}),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (prefer) throw new Error(`backend '${name}' could not be loaded: ${reason}`);
      skipped.push({ name, reason });
      await tf.setBackend('cpu');
    }
  }
  return { name: 'cpu', skipped };
}
