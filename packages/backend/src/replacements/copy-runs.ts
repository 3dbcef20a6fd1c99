// Strided block copies on the wasm heap: the shared core of the Slice, SplitV and Concat kernels.
import * as tf from '@tensorflow/tfjs-core';

/** A typed view of one tensor's memory (float32, int32 or bool). */
export type HeapArray = Float32Array | Int32Array | Uint8Array;

// Short runs: a plain loop beats subarray()+set(), which allocate a view per call.
export function copyRun(
  dst: HeapArray,
  dstOffset: number,
  src: HeapArray,
  srcOffset: number,
  length: number,
): void {
  if (length >= 64) {
    dst.set(src.subarray(srcOffset, srcOffset + length), dstOffset);
    return;
  }
  for (let j = 0; j < length; j++) dst[dstOffset + j] = src[srcOffset + j]!;
}

/**
 * Copies the box `begin`/`size` of `src` (shape `shape`, row-major) into `dst` densely.
 * Trailing dims the box spans fully are merged first, so each copied run is as long as possible.
 */
export function copyBox(
  src: HeapArray,
  shape: number[],
  begin: number[],
  size: number[],
  dst: HeapArray,
): void {
  const strides = tf.util.computeStrides(shape);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return;
  // The run: trailing dims that are whole, plus the first partial one.
  let d = shape.length - 1;
  let run = 1;
  while (d >= 0 && size[d] === shape[d]) run *= size[d--]!;
  if (d < 0) {
    copyRun(dst, 0, src, 0, total);
    return;
  }
  run *= size[d]!;
  const outer = size.slice(0, d);
  const rowStride = (k: number) => (k === shape.length - 1 ? 1 : strides[k]!);
  const base = begin.reduce((acc, b, k) => acc + b * rowStride(k), 0);
  const index = new Array<number>(outer.length).fill(0);
  for (let out = 0; out < total; out += run) {
    let srcOffset = base;
    for (let k = 0; k < index.length; k++) srcOffset += index[k]! * strides[k]!;
    copyRun(dst, out, src, srcOffset, run);
    for (let k = index.length - 1; k >= 0; k--) {
      if (++index[k]! < outer[k]!) break;
      index[k] = 0;
    }
  }
}
