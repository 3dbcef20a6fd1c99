// BatchMatMul for wasm: the SIMD loop of matmul-simd.ts, else XNNPACK's fast 2D path (the stock kernel reaches it only untransposed and unbatched).
import * as tf from '@tensorflow/tfjs-core';
import { heapFloats, heapOffset, internals, type WasmInternals } from '../wasm/wasm-heap';
import { matMulSimdOf } from './matmul-simd';

// The wasm module's exports, called directly: the batched loop makes ~800 small calls per
// training step, and cwrap's argument conversion and tfjs' tensor bookkeeping cost more than the
// C++ side of a 128x32 product needs.
interface RawModule {
  _BatchMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    ta: number,
    tb: number,
    outId: number,
  ): void;
  _register_tensor(id: number, size: number, memoryOffset: number): void;
  _dispose_data(id: number): void;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
}

/** Runs [m, k] x [k, n] products on XNNPACK's fully-connected path, on raw heap offsets. */
class PlainMatMul {
  private readonly raw: RawModule;
  private readonly shapes: number;
  private readonly ids: [number, number, number];

  constructor(backend: WasmInternals, m: number, k: number, n: number) {
    this.raw = backend.wasm as unknown as RawModule;
    this.shapes = this.raw._malloc(24);
    new Int32Array(this.raw.HEAPU8.buffer, this.shapes, 6).set([1, m, k, 1, k, n]);
    // Fresh ids from the backend's own counter, so they never collide with a tensor's.
    const counter = backend as unknown as { dataIdNextNumber: number };
    this.ids = [counter.dataIdNextNumber++, counter.dataIdNextNumber++, counter.dataIdNextNumber++];
  }

  /** out = a b for float32 matrices at byte offsets a, b, out on the heap. */
  run(a: number, b: number, out: number, m: number, k: number, n: number): void {
    const [aId, bId, outId] = this.ids;
    this.raw._register_tensor(aId, m * k, a);
    this.raw._register_tensor(bId, k * n, b);
    this.raw._register_tensor(outId, m * n, out);
    this.runIds(aId, bId, outId);
    // Disposing the ids also drops the XNNPACK operator cached on b (its packed weights).
    for (const id of this.ids) this.raw._dispose_data(id);
  }

  /**
   * out = a b for whole tensors, by their own ids: XNNPACK keeps b's packed weights cached on b's
   * id until b is disposed, so repeated products with one weight (generation) pack it once.
   */
  runIds(aId: number, bId: number, outId: number): void {
    this.raw._BatchMatMul(aId, this.shapes, 3, bId, this.shapes + 12, 3, 0, 0, outId);
  }

  dispose(): void {
    this.raw._free(this.shapes);
  }
}

// Tiled so the rows read and the rows written stay in L1, eight source rows at a time so that each
// output row gets eight consecutive writes: twice as fast as a plain 32 x 32 tiled loop, and faster
// still than the stock wasm Transpose (PERF.md).
const TILE = 64;
const ROWS = 8;

// Swaps the last two dims of x [batch, rows, cols] into a new [batch, cols, rows] tensor.
function transposeLast(
  backend: WasmInternals,
  x: tf.TensorInfo,
  batch: number,
  rows: number,
  cols: number,
): tf.TensorInfo {
  const out = backend.makeOutput([batch, cols, rows], 'float32');
  const src = heapFloats(backend, x);
  const dst = heapFloats(backend, out);
  const blocked = rows - (rows % ROWS);
  for (let b = 0; b < batch; b++) {
    const base = b * rows * cols;
    for (let r0 = 0; r0 < blocked; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, blocked);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let r = r0; r < r1; r += ROWS) {
          for (let c = c0; c < c1; c++) {
            const o = base + c * rows + r;
            let i = base + r * cols + c;
            dst[o] = src[i]!;
            i += cols;
            dst[o + 1] = src[i]!;
            i += cols;
            dst[o + 2] = src[i]!;
            i += cols;
            dst[o + 3] = src[i]!;
            i += cols;
            dst[o + 4] = src[i]!;
            i += cols;
            dst[o + 5] = src[i]!;
            i += cols;
            dst[o + 6] = src[i]!;
            i += cols;
            dst[o + 7] = src[i]!;
          }
        }
      }
    }
    for (let r = blocked; r < rows; r++) {
      for (let c = 0; c < cols; c++) dst[base + c * rows + r] = src[base + r * cols + c]!;
    }
  }
  return out;
}

// Index of the a (or b) batch for each output batch, under numpy broadcasting of the outer dims.
function batchIndex(outer: number[], own: number[]): number[] {
  const padded = [...Array(outer.length - own.length).fill(1), ...own];
  const count = tf.util.sizeFromShape(outer);
  return Array.from({ length: count }, (_, flat) => {
    let rest = flat;
    let index = 0;
    let stride = 1;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coord = rest % outer[d]!;
      rest = Math.floor(rest / outer[d]!);
      if (padded[d] !== 1) index += coord * stride;
      stride *= padded[d]!;
    }
    return index;
  });
}

// Which products run as the SIMD loop (matmul-simd.ts) instead of XNNPACK. On one thread, all
// whose shape it takes: it beat XNNPACK on every product of a training step (PERF.md).
// In the threaded build XNNPACK splits wide 2D products over the threads, so there the loop takes
// only batched slices up to 2^23 multiply-adds (attention up to T = 512 at head dim 32), which
// XNNPACK neither splits well nor runs without creating an operator per slice.
const SMALL_SLICE = 1 << 23;
// Columns past the last multiple of 4 run again as the last 4 (n < 4: a JS loop, too slow).
function simdTakes(n: number): boolean {
  return n >= 4;
}
function threaded(backend: WasmInternals): boolean {
  const heap = (backend.wasm as unknown as RawModule).HEAPU8.buffer;
  return typeof SharedArrayBuffer !== 'undefined' && heap instanceof SharedArrayBuffer;
}

function batchMatMul(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = internals(args.backend);
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`BatchMatMul (wasm): float32 inputs expected, got ${a.dtype} and ${b.dtype}`);
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [k2, n] = transposeB ? [bc, br] : [br, bc];
  if (k !== k2) {
    throw new Error(
      `matMul: inner dims differ (${k} vs ${k2}) for shapes [${a.shape}] and [${b.shape}], transposeA=${transposeA}, transposeB=${transposeB}`,
    );
  }
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const aBatch = tf.util.sizeFromShape(aOuter);
  const bBatch = tf.util.sizeFromShape(bOuter);
  if (m * n === 0) return out;
  const at = transposeA ? transposeLast(backend, a, aBatch, ar, ac) : a;
  const bt = transposeB ? transposeLast(backend, b, bBatch, br, bc) : b;
  const oneWeight = bBatch === 1;
  const threads = threaded(backend);
  const useLoop = simdTakes(n) && (!threads || (!oneWeight && m * k * n <= SMALL_SLICE));
  const loop = useLoop ? matMulSimdOf(backend.wasm) : null;
  if (k === 0) {
    backend.typedArrayFromHeap(out).fill(0);
  } else if (oneWeight && !loop) {
    // A weight shared by every batch: one XNNPACK product over all rows of a, b's packing cached.
    const mm = new PlainMatMul(backend, aBatch * m, k, n);
    const id = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).id;
    mm.runIds(id(at), id(bt), id(out));
    mm.dispose();
  } else {
    const [aBase, bBase, outBase] = [at, bt, out].map((t) => heapOffset(backend, t)) as [
      number,
      number,
      number,
    ];
    if (oneWeight) {
      // A weight shared by every batch: one product over all rows of a.
      loop!(aBase, bBase, outBase, aBatch * m, k, n);
    } else {
      const mm = loop ? null : new PlainMatMul(backend, m, k, n);
      const product = loop ?? ((a: number, b: number, o: number) => mm!.run(a, b, o, m, k, n));
      const bIndex = batchIndex(outer, bOuter);
      batchIndex(outer, aOuter).forEach((ai, o) => {
        product(
          aBase + 4 * ai * m * k,
          bBase + 4 * bIndex[o]! * k * n,
          outBase + 4 * o * m * n,
          m,
          k,
          n,
        );
      });
      mm?.dispose();
    }
  }
  if (at !== a) backend.disposeData(at.dataId);
  if (bt !== b) backend.disposeData(bt.dataId);
  return out;
}

/** Replaces tfjs-backend-wasm's BatchMatMul; equal to the cpu backend within float32 rounding. */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
