// A minimal WebAssembly encoder: one exported function over the wasm backend's own memory, and
// its instantiation on that memory.

/** Value types of the WebAssembly binary format. */
export const T = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
export type ValueType = (typeof T)[keyof typeof T];

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
  drop: [0x1a],
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
  /** v128.const: four float32 lanes of one value (rounded to float32). */
  v128ConstF32x4: (value: number) => {
    const bits = new Uint32Array(Float32Array.of(value).buffer)[0]!;
    return op.v128ConstI32x4([bits, bits, bits, bits]);
  },
  f32x4Gt: simd(0x44),
  f32x4Lt: simd(0x43),
  v128And: simd(0x4e),
  /** v128.andnot: a & ~b for the a, b on the stack. */
  v128AndNot: simd(0x4f),
  /** v128.bitselect: (a & c) | (b & ~c) for the a, b, c on the stack. */
  v128Bitselect: simd(0x52),
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  /** f32x4.pmin: b < a ? b : a per lane (one instruction on x86, unlike f32x4.min). */
  f32x4Pmin: simd(0xea),
  /** f32x4.pmax: a < b ? b : a per lane. */
  f32x4Pmax: simd(0xeb),
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
  /** f32x4.relaxed_madd (relaxed SIMD): a·b + c for the a, b, c on the stack, fused or not. */
  f32x4RelaxedMadd: simd(0x105),
} as const;

/** local += amount (i32). */
export const addTo = (local: number, amount: number[]): number[] => [
  ...op.localGet(local),
  ...amount,
  ...op.i32Add,
  ...op.localSet(local),
];

/** if (condition, an i32 != 0) { then } else { otherwise }. */
export const ifElse = (condition: number[], then: number[], otherwise: number[]): number[] => [
  ...condition,
  ...[0x04, 0x40],
  ...then,
  0x05,
  ...otherwise,
  ...op.end,
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

/**
 * One function of a module: its parameter and local types, a name per slot (parameters, then
 * locals) and its body (instructions, no final `end`). Build it with `Locals` (locals.ts).
 */
export interface SimdFunction {
  name: string;
  params: ValueType[];
  locals: ValueType[];
  slotNames: string[];
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

/**
 * The "name" custom section naming `fn` and its slots. Appended to a module only to print it as
 * text with those names: the modules the kernels run carry none.
 */
export function nameSection(fn: SimdFunction): Uint8Array<ArrayBuffer> {
  const functionNames = vec([[...uleb(0), ...name(fn.name)]]);
  const slotNames = vec(fn.slotNames.map((slot, k) => [...uleb(k), ...name(slot)]));
  const localNames = vec([[...uleb(0), ...slotNames]]);
  return new Uint8Array(
    section(0, [...name('name'), ...section(1, functionNames), ...section(2, localNames)]),
  );
}

// Per memory and function name: the bound export, or why there is none.
type Binding = { bound: unknown } | { reason: string };
const bindings = new WeakMap<WebAssembly.Memory, Map<string, Binding>>();

// The emscripten module's memory: exported by the single-threaded builds, created in JS (shared)
// by the threaded one.
type EmscriptenModule = { asm?: { memory?: unknown }; wasmMemory?: unknown };

function compile(memory: WebAssembly.Memory, fn: SimdFunction): Binding {
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    // new WebAssembly.Module says why a module is invalid, where WebAssembly.validate only says no.
    const module = new WebAssembly.Module(encodeModule(fn, shared));
    const bound = new WebAssembly.Instance(module, { env: { memory } }).exports[fn.name];
    if (typeof bound !== 'function') return { reason: `no export '${fn.name}'` };
    return { bound };
  } catch (error) {
    return { reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function binding(emscriptenModule: unknown, fn: SimdFunction): Binding {
  const module = emscriptenModule as EmscriptenModule;
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    return { reason: "the wasm backend's module exposes no WebAssembly.Memory" };
  }
  let byName = bindings.get(memory);
  if (byName === undefined) {
    byName = new Map();
    bindings.set(memory, byName);
  }
  let found = byName.get(fn.name);
  if (found === undefined) {
    found = compile(memory, fn);
    byName.set(fn.name, found);
  }
  return found;
}

/**
 * `fn` compiled and bound to the wasm backend's memory (`backend.wasm`, the emscripten module),
 * once per memory and function name; null where that failed (the kernels then run their plain JS
 * loops, which give the same results, only slower). {@link bindFailure} says why.
 */
export function bindToHeap<F>(emscriptenModule: unknown, fn: SimdFunction): F | null {
  const found = binding(emscriptenModule, fn);
  return 'bound' in found ? (found.bound as F) : null;
}

/** `emscriptenModule => bindToHeap(emscriptenModule, fn)`: what a kernel asks for its loop. */
export const heapBinder =
  <F>(fn: SimdFunction) =>
  (emscriptenModule: unknown): F | null =>
    bindToHeap<F>(emscriptenModule, fn);

/** Why `fn` cannot run on this module's memory (compiling and binding it if not done yet); undefined if it can. */
export function bindFailure(emscriptenModule: unknown, fn: SimdFunction): string | undefined {
  const found = binding(emscriptenModule, fn);
  return 'reason' in found ? `${fn.name}: ${found.reason}` : undefined;
}
