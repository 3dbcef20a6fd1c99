// Row-major float32 products a [m, k] x b [k, n] as a 128-bit WebAssembly SIMD loop on the heap,
// in column panels that stay in L2. On one thread it beats XNNPACK's path in tfjs-backend-wasm on
// every product of a training step (PERF.md): no operator to create, and b's panels packed only
// where that pays. Where relaxed SIMD is on, the multiply-adds are fused (relaxed-simd.ts).
import { Locals } from '../wasm/locals';
import { relaxedFmaInUse } from '../wasm/relaxed-simd';
import { addTo, bindToHeap, ifElse, op, type SimdFunction, whileBelow } from '../wasm/simd-module';

/** out = a b for row-major float32 matrices at heap byte offsets; panelColumns(k, n) > 0. */
export type MatMulSimd = (
  a: number,
  b: number,
  out: number,
  m: number,
  k: number,
  n: number,
) => void;

/**
 * out[:, 0..cols) = a b[:, 0..cols) as {@link MatMulSimd}, n the row length of out; b's block of
 * columns j.. (4 x vectors wide) starts at byte b + (j / (4 x vectors))·bBlock and its row p at
 * bStep·p bytes further: b row-major has bStep = 4n, bBlock = 16 x vectors; a packed panel
 * (packPanelFunction) bStep = 16 x vectors, bBlock = k·bStep.
 */
type PanelSimd = (
  ...args: [
    ...Parameters<MatMulSimd>,
    cols: number,
    bStep: number,
    bBlock: number,
    aRowBytes: number,
    accumulate: number,
  ]
) => void;

/** packPanelFunction's export: (src, dst, k, srcRowBytes, blocks), byte offsets. */
type PackSimd = (src: number, dst: number, k: number, srcRowBytes: number, blocks: number) => void;

/** How a panel loop multiplies and adds (see {@link panelFunction}). */
export interface PanelShape {
  /** Rows of a per block (m a multiple of it). */
  rows: number;
  /** 4-lane vectors of columns per block (cols a multiple of 4 x vectors). */
  vectors: number;
  /**
   * f32x4.relaxed_madd (relaxed SIMD) instead of f32x4.mul then f32x4.add: one instruction per
   * lane group where the CPU has FMA, and one rounding instead of two, so its sums differ from the
   * plain loop's in the last bits (V8 may also run it as mul and add where the CPU has no FMA).
   */
  fma: boolean;
}

/**
 * The loop for `rows` rows of a at a time (m a multiple of `rows`) and 4 x `vectors` columns of b
 * (cols a multiple of it): for each p < k, a[i + r, p] is splat once and each 4 lanes of
 * b[p, j..] loaded once, then rows x vectors accumulators take a·b in p order. Plain, with
 * f32x4.mul and f32x4.add, as XNNPACK's wasm kernels accumulate (the two gave the same bits on
 * attention's shapes); with `fma`, fused (relaxed SIMD).
 */
export function panelFunction({ rows, vectors, fma }: PanelShape): SimdFunction {
  const slots = new Locals();
  const [A, B, O, M, K, N, COLS, BSTEP, BBLOCK, RA, ADD] = slots.params(
    'a',
    'b',
    'out',
    'm',
    'k',
    'n',
    'cols',
    'bStep',
    'bBlock',
    'aRowBytes',
    'accumulate',
  );
  const [I, J, P, PA, PB, PO, RB, PAP, CB, PBJ] = slots.i32s(
    'row',
    'columnByte',
    'p',
    'aBlock',
    'bColumn',
    'outBlock',
    'outRowBytes',
    'aAt',
    'panelBytes',
    'bBlockAt',
  );
  // acc(r, v) = ACC + r · vectors + v
  const ACC = slots.v128Run('acc', rows * vectors);
  const SPLAT = slots.v128Run('aSplat', rows);
  const BV = slots.v128('bv');
  const acc = (r: number, v: number) => ACC + r * vectors + v;
  const get = op.localGet;
  const set = op.localSet;
  // base + r · stride
  const rowOf = (base: number, r: number, stride: number) => [
    ...get(base),
    ...(r === 0 ? [] : [...get(stride), ...op.i32Const(r), ...op.i32Mul, ...op.i32Add]),
  ];
  const times4 = (local: number, into: number) => [
    ...get(local),
    ...op.i32Const(4),
    ...op.i32Mul,
    ...set(into),
  ];
  const zeros = op.v128ConstI32x4([0, 0, 0, 0]);
  // acc += splat · bv
  const multiplyAdd = (r: number, v: number) =>
    fma
      ? [...get(SPLAT + r), ...get(BV), ...get(acc(r, v)), ...op.f32x4RelaxedMadd]
      : [...get(acc(r, v)), ...get(SPLAT + r), ...get(BV), ...op.f32x4Mul, ...op.f32x4Add];
  const step: number[] = [];
  for (let r = 0; r < rows; r++) {
    step.push(...rowOf(PAP, r, RA), ...op.v128Load32Splat, ...set(SPLAT + r));
  }
  for (let v = 0; v < vectors; v++) {
    step.push(...get(PB), ...op.v128LoadAt(16 * v), ...set(BV));
    for (let r = 0; r < rows; r++) step.push(...multiplyAdd(r, v), ...set(acc(r, v)));
  }
  const load: number[] = [];
  const zero: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      load.push(...rowOf(PB, r, RB), ...op.v128LoadAt(16 * v), ...set(acc(r, v)));
      zero.push(...zeros, ...set(acc(r, v)));
    }
  }
  const store: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      store.push(...rowOf(PB, r, RB), ...get(acc(r, v)), ...op.v128StoreAt(16 * v));
    }
  }
  const body = [
    ...times4(N, RB),
    ...times4(COLS, CB),
    ...[...get(A), ...set(PA), ...get(O), ...set(PO), ...op.i32Const(0), ...set(I)],
    ...whileBelow(I, M, [
      ...[...op.i32Const(0), ...set(J), ...get(B), ...set(PBJ)],
      ...whileBelow(J, CB, [
        // PB addresses out[i, j]: the accumulators start from there (accumulate) or at 0
        ...[...get(PO), ...get(J), ...op.i32Add, ...set(PB)],
        ...ifElse(get(ADD), load, zero),
        ...[...get(PBJ), ...set(PB)],
        ...[...get(PA), ...set(PAP), ...op.i32Const(0), ...set(P)],
        ...whileBelow(P, K, [
          ...step,
          ...addTo(PB, get(BSTEP)),
          ...addTo(PAP, op.i32Const(4)),
          ...addTo(P, op.i32Const(1)),
        ]),
        // PB now addresses out[i, j]
        ...[...get(PO), ...get(J), ...op.i32Add, ...set(PB)],
        ...store,
        ...addTo(PBJ, get(BBLOCK)),
        ...addTo(J, op.i32Const(16 * vectors)),
      ]),
      ...[...get(RA), ...op.i32Const(rows), ...op.i32Mul, ...get(PA), ...op.i32Add, ...set(PA)],
      ...[...get(RB), ...op.i32Const(rows), ...op.i32Mul, ...get(PO), ...op.i32Add, ...set(PO)],
      ...addTo(I, op.i32Const(rows)),
    ]),
  ];
  return slots.function(`matMulPanel${rows}x${4 * vectors}${fma ? 'Fma' : ''}`, body);
}

// Four rows by 8 columns at a time measured fastest, plain and fused (PERF.md; taller or wider
// blocks ran slower on V8, PERF-LOG 25); single rows and a last block of 4 columns take the
// narrower variants.
const PLAIN: PanelShape = { rows: 4, vectors: 2, fma: false };
const FUSED: PanelShape = { ...PLAIN, fma: true };

// The row blocks a product takes its rows in, tallest first.
const rowBlocks = (shape: PanelShape) => [...new Set([shape.rows, Math.min(4, shape.rows), 1])];

/**
 * The panel loops a product with blocks of `shape` runs: per row block (shape.rows, 4, 1), one as
 * wide as the shape and one 4 columns wide.
 */
export function panelFunctions(shape: PanelShape): SimdFunction[] {
  return rowBlocks(shape).flatMap((rows) => [
    panelFunction({ ...shape, rows }),
    panelFunction({ ...shape, rows, vectors: 1 }),
  ]);
}

/**
 * Copies b's columns j.. (blocks of 4 x vectors) into a packed panel at dst: block c's rows one
 * after another (16 x vectors bytes each), then block c + 1. The panel loop then reads b in
 * order, where b's own rows lie 4n bytes apart (with n in the thousands, a page apart each).
 */
export function packPanelFunction(vectors: number): SimdFunction {
  const slots = new Locals();
  const [SRC, DST, K, ROW, BLOCKS] = slots.params('src', 'dst', 'k', 'srcRowBytes', 'blocks');
  const [C, P, S] = slots.i32s('block', 'p', 'srcAt');
  const get = op.localGet;
  const set = op.localSet;
  const copy = Array.from({ length: vectors }, (_, v) => [
    ...get(DST),
    ...get(S),
    ...op.v128LoadAt(16 * v),
    ...op.v128StoreAt(16 * v),
  ]).flat();
  const body = [
    ...[...op.i32Const(0), ...set(C)],
    ...whileBelow(C, BLOCKS, [
      ...[...get(SRC), ...get(C), ...op.i32Const(16 * vectors), ...op.i32Mul, ...op.i32Add],
      ...[...set(S), ...op.i32Const(0), ...set(P)],
      ...whileBelow(P, K, [
        ...copy,
        ...addTo(S, get(ROW)),
        ...addTo(DST, op.i32Const(16 * vectors)),
        ...addTo(P, op.i32Const(1)),
      ]),
      ...addTo(C, op.i32Const(1)),
    ]),
  ];
  return slots.function(`matMulPack${4 * vectors}`, body);
}

/** The functions {@link matMulSimdOf} binds on the plain SIMD path. */
export const MATMUL_FUNCTIONS = [...panelFunctions(PLAIN), packPanelFunction(PLAIN.vectors)];

/** The functions {@link matMulSimdOf} binds where relaxed FMA is in use (relaxed-simd.ts). */
export const MATMUL_FMA_FUNCTIONS = panelFunctions(FUSED);

// A panel of b (k x cols floats) is read once per block of rows of a: kept within 256 KiB it
// stays in the 1 MiB L2 while all rows pass over it.
const PANEL_BYTES = 256 * 1024;

// Past this k a panel of 8 columns outgrows PANEL_BYTES: p then runs in chunks of CHUNK_K.
const MAX_K = PANEL_BYTES / 32;
const CHUNK_K = 2048;

/** The p per pass over b's panels: k, or chunks of CHUNK_K where k is past MAX_K. */
export const kChunk = (k: number): number => (k > MAX_K ? CHUNK_K : k);

/**
 * The widest panel (a multiple of `blockColumns`, at most n rounded up to it) within PANEL_BYTES
 * for k rows of b (a chunk of them, see {@link kChunk}); 0 if none.
 */
export function panelColumns(k: number, n: number, blockColumns = 4 * PLAIN.vectors): number {
  const fit = Math.floor(PANEL_BYTES / (4 * Math.max(k, 1)));
  const wanted = Math.ceil(n / blockColumns) * blockColumns;
  return Math.min(wanted, fit - (fit % blockColumns));
}

/**
 * The SIMD product bound to the wasm backend's memory (`backend.wasm`, the emscripten module), or
 * null where WebAssembly SIMD or the memory is unavailable (the caller then uses XNNPACK). With
 * relaxed FMA in use (relaxed-simd.ts) the fused loop, else (or where it fails to bind) the plain
 * one. The last n % 4 columns, if any, run again as the 4 columns ending at n (n < 4: a JS loop
 * over `heap` with the plain loop's float32 roundings).
 */
export function matMulSimdOf(emscriptenModule: unknown): MatMulSimd | null {
  // Every BatchMatMul call asks: build the product once per module and path, not per call.
  const key = emscriptenModule as object;
  if (relaxedFmaInUse()) {
    if (!fused.has(key)) fused.set(key, matMulSimdWith(emscriptenModule, FUSED));
    const product = fused.get(key);
    if (product) return product;
  }
  if (!plain.has(key)) plain.set(key, matMulSimdWith(emscriptenModule, PLAIN));
  return plain.get(key) ?? null;
}

const plain = new WeakMap<object, MatMulSimd | null>();
const fused = new WeakMap<object, MatMulSimd | null>();

// Packing b's panels pays from this many rows of a (each block of 4 rows reads a panel once) and
// where b outgrows L1 (a small b, as attention's slices, is read from L1 in any layout).
const PACK_ROWS = 16;
const PACK_BYTES = 32 * 1024;

/**
 * The product with blocks of `shape` bound to this module's memory; null where a loop fails to
 * bind. b's panels are packed (into a scratch buffer from the module's malloc) for products of at
 * least `packRows` rows.
 */
export function matMulSimdWith(
  emscriptenModule: unknown,
  shape: PanelShape,
  packRows = PACK_ROWS,
): MatMulSimd | null {
  const bound = panelFunctions(shape).map((fn) => bindToHeap<PanelSimd>(emscriptenModule, fn));
  const pack = bindToHeap<PackSimd>(emscriptenModule, packPanelFunction(shape.vectors));
  if (bound.some((fn) => fn === null) || pack === null) return null;
  const module = emscriptenModule as { HEAPF32: Float32Array; _malloc?: (bytes: number) => number };
  // Allocated once per module and product, never freed: a panel is at most PANEL_BYTES.
  let scratch = 0;
  // [wide, 4 columns] per block of rows, widest rows first
  const loops = rowBlocks(shape).map((rows, q) => ({
    rows,
    wide: bound[2 * q]!,
    narrow: bound[2 * q + 1]!,
  }));
  const blockColumns = 4 * shape.vectors;
  const blockBytes = 4 * blockColumns;
  return (a, b, out, m, k, n) => {
    const wantsPacking = m >= packRows && 4 * k * n > PACK_BYTES;
    if (wantsPacking && scratch === 0) scratch = module._malloc?.(PANEL_BYTES) ?? 0;
    const packing = wantsPacking && scratch !== 0;
    const chunk = kChunk(k);
    // One panel: every row of a against columns j..j + cols of b, in blocks of rows; p in chunks,
    // each continuing the sums the last left in out.
    const panel = (j: number, cols: number, wide: boolean) => {
      for (let p0 = 0; p0 < k; p0 += chunk) {
        const kc = Math.min(chunk, k - p0);
        let [bAt, bStep, bBlock] = [b + 4 * (p0 * n + j), 4 * n, wide ? blockBytes : 16];
        if (wide && packing) {
          pack(bAt, scratch, kc, bStep, cols / blockColumns);
          [bAt, bStep, bBlock] = [scratch, blockBytes, kc * blockBytes];
        }
        let i = 0;
        for (const loop of loops) {
          const rows = m - i - ((m - i) % loop.rows);
          if (rows === 0) continue;
          const fn = wide ? loop.wide : loop.narrow;
          const [aAt, outAt] = [a + 4 * (i * k + p0), out + 4 * (i * n + j)];
          fn(aAt, bAt, outAt, rows, kc, n, cols, bStep, bBlock, 4 * k, p0 > 0 ? 1 : 0);
          i += rows;
        }
      }
    };
    const vectorCols = n - (n % 4);
    const wide = vectorCols - (vectorCols % blockColumns);
    const width = panelColumns(chunk, n, blockColumns);
    for (let j = 0; j < wide; j += width) panel(j, Math.min(width, wide - j), true);
    if (vectorCols > wide) panel(wide, vectorCols - wide, false);
    // The last n % 4 columns: the 4 columns ending at n again, overwriting the ones computed
    // already with the same bits (every lane sums in p order whatever the block).
    if (vectorCols < n && n >= 4) panel(n - 4, 4, false);
    else if (vectorCols < n)
      tailColumns(module.HEAPF32, a / 4, b / 4, out / 4, m, k, n, vectorCols);
  };
}

// out[:, from..n) = a b[:, from..n) on float32 views, each product and sum rounded to float32 in
// p order, as the SIMD lanes do.
function tailColumns(
  heap: Float32Array,
  a: number,
  b: number,
  out: number,
  m: number,
  k: number,
  n: number,
  from: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = from; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        sum = Math.fround(sum + Math.fround(heap[a + i * k + p]! * heap[b + p * n + j]!));
      }
      heap[out + i * n + j] = sum;
    }
  }
}
