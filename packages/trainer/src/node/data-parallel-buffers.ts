// Float32 arrays the main thread and the workers share: every weight going out, a worker's gradients coming back.

/** Named arrays packed back to back in one shared buffer: `[name, offset, length]`, in floats. */
export type SharedLayout = Array<[string, number, number]>;

/** A shared buffer and where each named array sits in it (crosses threads without a copy). */
export interface SharedArrays {
  buffer: SharedArrayBuffer;
  layout: SharedLayout;
}

/** `entries` (name, float count) laid back to back from offset 0, and the floats they take. */
export function layoutOf(entries: ReadonlyArray<readonly [string, number]>): {
  layout: SharedLayout;
  length: number;
} {
  let length = 0;
  const layout: SharedLayout = entries.map(([name, count]) => {
    const at = length;
    length += count;
    return [name, at, count];
  });
  return { layout, length };
}

/**
 * Packs `entries` (name, float count) back to back into `reuse` when it is large enough, else
 * into a new SharedArrayBuffer: the buffers live as long as the pool, so a step allocates nothing.
 */
export function packShared(
  entries: ReadonlyArray<readonly [string, number]>,
  reuse?: SharedArrayBuffer,
): SharedArrays {
  const { layout, length } = layoutOf(entries);
  const bytes = length * Float32Array.BYTES_PER_ELEMENT;
  const buffer = reuse && reuse.byteLength >= bytes ? reuse : new SharedArrayBuffer(bytes);
  return { buffer, layout };
}

/** The float32 view of one layout entry. */
export function sharedView(
  buffer: SharedArrayBuffer,
  offset: number,
  length: number,
): Float32Array {
  return new Float32Array(buffer, offset * Float32Array.BYTES_PER_ELEMENT, length);
}
