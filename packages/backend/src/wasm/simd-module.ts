// A minimal WebAssembly encoder: one exported function over the wasm backend's own memory, and
// its instantiation on that memory.

/** Value types of the WebAssembly binary format. */
export const T = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;

const SIMD = 0xfd;
const uleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
};
// signed LEB128 of an int32 (i32.const); uint32 values above 2^31 are taken as their int32 bits
const sleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0))
      return [...out, byte];
    out.push(byte | 0x80);
  }
};
const simd = (op: number) => [SIMD, ...uleb(op)];
// memarg: log2 of the alignment promised (4 bytes: tensors are float32 arrays), offset 0
const memarg = [2, 0];

/** The instructions the kernels here use (opcodes from the WebAssembly 2.0 spec, incl. 128-bit SIMD). */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32DivU: [0x6e],
  i32RemU: [0x70],
  i32GeU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  f32Load: [0x2a, ...memarg],
  f32Store: [0x38, ...memarg],
  /** f32.const: the value rounded to float32. */
  f32Const: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  f32Sqrt: [0x91],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Div: [0x95],
  v128Load: [...simd(0x00), ...memarg],
  /** v128.load32_splat: one float32 from memory into all four lanes. */
  v128Load32Splat: [...simd(0x09), ...memarg],
  /** v128.load at a constant byte offset from the address on the stack. */
  v128LoadAt: (offset: number) => [...simd(0x00), 2, ...uleb(offset)],
  /** v128.const: four i32 lanes (int32 or uint32 values), lane 0 first (little-endian). */
  v128ConstI32x4: (lanes: [number, number, number, number]) => [
    ...simd(0x0c),
    ...lanes.flatMap((lane) => [0, 8, 16, 24].map((shift) => (lane >>> shift) & 0xff)),
  ],
  v128Store: [...simd(0x0b), ...memarg],
  /** v128.store at a constant byte offset from the address under the value. */
  v128StoreAt: (offset: number) => [...simd(0x0b), 2, ...uleb(offset)],
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: (lane: number) => [...simd(0x1f), lane],
  v128And: simd(0x4e),
  v128Xor: simd(0x51),
  // shifts take the v128 and then an i32 count (modulo 32)
  i32x4ShrS: simd(0xac),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  i32x4Mul: simd(0xb5),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
} as const;

/** local += amount (i32). */
export const addTo = (local: number, amount: number[]): number[] => [
  ...op.localGet(local),
  ...amount,
  ...op.i32Add,
  ...op.localSet(local),
];

/** while (counter < limit, unsigned) { body }: the body moves the counter on. */
export const whileBelow = (counter: number, limit: number, body: number[]): number[] => [
  ...op.block,
  ...op.loop,
  ...[...op.localGet(counter), ...op.localGet(limit), ...op.i32GeU, ...op.brIf(1)],
  ...body,
  ...op.br(0),
  ...op.end,
  ...op.end,
];

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** One function of a module: its parameter and local types and its body (instructions, no final `end`). */
export interface SimdFunction {
  name: string;
  params: number[];
  locals: number[];
  body: number[];
}

/**
 * Encodes a module that imports `env.memory` (shared when the wasm backend runs threads: the
 * import must match) and exports `fn`.
 */
export function encodeModule(fn: SimdFunction, sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec(fn.params.map((t) => [t])), ...vec([])];
  // limits: shared memories must declare a maximum; 65536 pages (4 GiB) admits any size.
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const memoryImport = [...name('env'), ...name('memory'), 0x02, ...limits];
  const locals = vec(fn.locals.map((t) => [1, t]));
  const code = [...locals, ...fn.body, ...op.end];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec([type])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...name(fn.name), 0x00, ...uleb(0)]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

const compiled = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

// The emscripten module's memory: exported by the single-threaded builds, created in JS (shared)
// by the threaded one.
type EmscriptenModule = { asm?: { memory?: unknown }; wasmMemory?: unknown };

/**
 * `fn` compiled and bound to the wasm backend's memory (`backend.wasm`, the emscripten module),
 * once per memory and function name; null where WebAssembly SIMD or the memory is unavailable
 * (the kernels then run their plain JS loops, which give the same results).
 */
export function bindToHeap<F>(emscriptenModule: unknown, fn: SimdFunction): F | null {
  const module = emscriptenModule as EmscriptenModule;
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let byName = compiled.get(memory);
  if (byName === undefined) {
    byName = new Map();
    compiled.set(memory, byName);
  }
  if (!byName.has(fn.name)) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = encodeModule(fn, shared);
    let bound: unknown = null;
    try {
      if (WebAssembly.validate(bytes)) {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
          env: { memory },
        });
        bound = instance.exports[fn.name];
      }
    } catch {
      // e.g. memory limits the import does not accept: the JS loop gives the same results
    }
    byName.set(fn.name, bound);
  }
  return byName.get(fn.name) as F | null;
}
