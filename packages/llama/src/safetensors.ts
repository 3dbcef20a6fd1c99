// The safetensors file format, byte level: [u64 LE header length][JSON header][tensor data].
import {
  dtypeRank,
  isSafetensorsDtype,
  SAFETENSORS_DTYPE_BYTES,
  type SafetensorsDtype,
} from './safetensors-dtypes';

/** One tensor of a file: raw little-endian bytes in row-major order. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** A view into the file's bytes when decoded. */
  data: Uint8Array;
}

/** A decoded file: the string map `__metadata__` and the tensors by name, in data order. */
export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensor>;
}

/** Largest header accepted, in bytes (the reference implementation's bound). */
export const MAX_HEADER_BYTES = 100_000_000;

function fail(reason: string): never {
  throw new Error(`safetensors: invalid file: ${reason}`);
}

function elementCount(name: string, shape: unknown): number {
  if (!Array.isArray(shape))
    fail(`tensor '${name}': shape must be an array, got ${JSON.stringify(shape)}`);
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0)
      fail(`tensor '${name}': bad dimension ${JSON.stringify(dim)}`);
    count *= dim;
    if (!Number.isSafeInteger(count))
      fail(`tensor '${name}': shape [${shape.join(', ')}] is too large`);
  }
  return count;
}

/**
 * The first key that appears twice in one object of `json` (text JSON.parse has accepted), with
 * where: JSON.parse keeps the last of duplicates silently. A scan of the text, not a reviver: a
 * reviver sees only the keys that were kept.
 */
function duplicateKey(json: string): { key: string; where: string } | undefined {
  // One frame per open object or array: its keys seen (objects) and the name it has in its parent.
  const stack: Array<{ keys: Set<string> | null; name: string; expectKey: boolean }> = [];
  let lastKey = '';
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    const top = stack.at(-1);
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          const path = stack.slice(1).map((f) => f.name);
          const where =
            path.length === 0
              ? 'the header'
              : path[0] === '__metadata__'
                ? path.join('.')
                : `tensor '${path.join('.')}'`;
          return { key, where };
        }
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push({
        keys: c === '{' ? new Set() : null,
        name: top?.keys ? lastKey : '[]',
        expectKey: true,
      });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top?.keys) {
      top.expectKey = true;
    }
  }
  return undefined;
}

/**
 * Parses and validates a whole file held in memory. Checks, before touching any data: the header
 * length fits the file and {@link MAX_HEADER_BYTES}; the header is a UTF-8 JSON object; each
 * tensor has a known dtype, a shape whose byte size equals its offsets' span, and offsets that
 * tile the data section exactly (contiguous, non-overlapping, nothing left over); no object of the
 * header has a key twice, and `__metadata__` has no key `__proto__`. Tensor data
 * are views into `bytes`. Throws `safetensors: invalid file: <reason>` otherwise.
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8)
    fail(`${bytes.byteLength} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    fail(
      `header length ${declared} exceeds the ${bytes.byteLength - 8} bytes after it (or the ${MAX_HEADER_BYTES}-byte bound)`,
    );
  }
  const headerLength = Number(declared);
  if (headerLength < 2 || bytes[8] !== 0x7b) fail('header does not start with a JSON object');
  let header: unknown;
  let json = '';
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(json);
  } catch (error) {
    fail(`header is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header is not a JSON object');
  const duplicate = duplicateKey(json);
  if (duplicate)
    fail(`${duplicate.where} has the key ${JSON.stringify(duplicate.key)} more than once`);
  const data = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const spans: Array<{
    name: string;
    begin: number;
    end: number;
    dtype: SafetensorsDtype;
    shape: number[];
  }> = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        fail('__metadata__ is not an object');
      for (const [key, value] of Object.entries(entry)) {
        if (key === '__proto__')
          fail('__metadata__ has the key "__proto__", which an object cannot hold as an entry');
        if (typeof value !== 'string') fail(`__metadata__.${key} is not a string`);
        metadata[key] = value;
      }
      continue;
    }
    if (typeof entry !== 'object' || entry === null) fail(`tensor '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!isSafetensorsDtype(dtype))
      fail(`tensor '${name}': unknown dtype ${JSON.stringify(dtype)}`);
    const count = elementCount(name, shape);
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      fail(
        `tensor '${name}': data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > data.byteLength) {
      fail(
        `tensor '${name}': data_offsets [${begin}, ${end}] fall outside the ${data.byteLength}-byte data section`,
      );
    }
    if (end - begin !== count * SAFETENSORS_DTYPE_BYTES[dtype]) {
      fail(
        `tensor '${name}': ${dtype} [${(shape as number[]).join(', ')}] needs ${count * SAFETENSORS_DTYPE_BYTES[dtype]} bytes, offsets span ${end - begin}`,
      );
    }
    spans.push({ name, begin, end, dtype, shape: shape as number[] });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const span of spans) {
    if (span.begin !== cursor) {
      fail(
        `tensor '${span.name}' starts at byte ${span.begin}, expected ${cursor} (tensors must be contiguous and not overlap)`,
      );
    }
    cursor = span.end;
  }
  if (cursor !== data.byteLength)
    fail(`tensors cover ${cursor} of the ${data.byteLength} data bytes`);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const { name, begin, end, dtype, shape } of spans) {
    tensors.set(name, { dtype, shape, data: data.subarray(begin, end) });
  }
  return { metadata, tensors };
}

/**
 * Serialises tensors as the reference writer does: data ordered by dtype (larger rank first) then
 * name, compact JSON header with `__metadata__` first, padded with spaces to a multiple of 8 bytes.
 * The same input always gives the same bytes.
 */
export function encodeSafetensors(
  tensors: Iterable<[string, SafetensorsTensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = [...tensors].sort(
    ([nameA, a], [nameB, b]) =>
      dtypeRank(b.dtype) - dtypeRank(a.dtype) || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0),
  );
  // Built by hand: JSON.stringify of an object would move integer-like tensor names to the front.
  const fields: string[] = [];
  if (Object.keys(metadata).length > 0) fields.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const [name, t] of entries) {
    const expected = elementCount(name, t.shape) * SAFETENSORS_DTYPE_BYTES[t.dtype];
    if (t.data.byteLength !== expected) {
      throw new Error(
        `encodeSafetensors: tensor '${name}' ${t.dtype} [${t.shape.join(', ')}] needs ${expected} bytes, got ${t.data.byteLength}`,
      );
    }
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + expected] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset += expected;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let cursor = 8 + headerLength;
  for (const [, t] of entries) {
    out.set(t.data, cursor);
    cursor += t.data.byteLength;
  }
  return out;
}
