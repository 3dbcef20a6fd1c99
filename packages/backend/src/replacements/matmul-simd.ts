// Row-major float32 products a [m, k] x b [k, n] as a 128-bit WebAssembly SIMD loop on the heap,
// in column panels that stay in L2. On one thread it beats XNNPACK's path in tfjs-backend-wasm on
// every product of a training step (PERF.md): no operator to create, no packing.
import { Locals } from '../wasm/locals';
import { addTo, bindToHeap, op, type SimdFunction, whileBelow } from '../wasm/simd-module';

/** out = a b for row-major float32 matrices at heap byte offsets; panelColumns(k, n) > 0. */
export type MatMulSimd = (
  a: number,
  b: number,
  out: number,
  m: number,
  k: number,
  n: number,
) => void;

/** out[:, 0..cols) = a b[:, 0..cols) as {@link MatMulSimd}; n stays the row length of b and out. */
type PanelSimd = (...args: [...Parameters<MatMulSimd>, cols: number]) => void;

/** Columns per block: two 4-lane vectors (a last block of 4 takes one). */
const BLOCK_COLUMNS = 8;

/**
 * The loop for `rows` rows of a at a time (m a multiple of `rows`) and 4 x `vectors` columns of b
 * (cols a multiple of it): for each p < k, a[i + r, p] is splat once and each 4 lanes of
 * b[p, j..] loaded once, then rows x vectors accumulators take
 * a·b with f32x4.mul and f32x4.add in p order, as XNNPACK's wasm kernels accumulate (the two gave
 * the same bits on attention's shapes).
 */
function panelFunction(rows: number, vectors: number): SimdFunction {
  const slots = new Locals();
  const [A, B, O, M, K, N, COLS] = slots.params('a', 'b', 'out', 'm', 'k', 'n', 'cols');
  const [I, J, P, PA, PB, PO, RA, RB, PAP, CB] = slots.i32s(
    'row',
    'columnByte',
    'p',
    'aBlock',
    'bColumn',
    'outBlock',
    'aRowBytes',
    'bRowBytes',
    'aAt',
    'panelBytes',
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
  const step: number[] = [];
  for (let r = 0; r < rows; r++) {
    step.push(...rowOf(PAP, r, RA), ...op.v128Load32Splat, ...set(SPLAT + r));
  }
  for (let v = 0; v < vectors; v++) {
    step.push(...get(PB), ...op.v128LoadAt(16 * v), ...set(BV));
    for (let r = 0; r < rows; r++) {
      step.push(...get(acc(r, v)), ...get(SPLAT + r), ...get(BV), ...op.f32x4Mul, ...op.f32x4Add);
      step.push(...set(acc(r, v)));
    }
  }
  const store: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      store.push(...rowOf(PB, r, RB), ...get(acc(r, v)), ...op.v128StoreAt(16 * v));
    }
  }
  const body = [
    ...times4(K, RA),
    ...times4(N, RB),
    ...times4(COLS, CB),
    ...[...get(A), ...set(PA), ...get(O), ...set(PO), ...op.i32Const(0), ...set(I)],
    ...whileBelow(I, M, [
      ...[...op.i32Const(0), ...set(J)],
      ...whileBelow(J, CB, [
        ...Array.from({ length: rows * vectors }, (_, q) => [...zeros, ...set(ACC + q)]).flat(),
        ...[...get(B), ...get(J), ...op.i32Add, ...set(PB)],
        ...[...get(PA), ...set(PAP), ...op.i32Const(0), ...set(P)],
        ...whileBelow(P, K, [
          ...step,
          ...addTo(PB, get(RB)),
          ...addTo(PAP, op.i32Const(4)),
          ...addTo(P, op.i32Const(1)),
        ]),
        // PB now addresses out[i, j]
        ...[...get(PO), ...get(J), ...op.i32Add, ...set(PB)],
        ...store,
        ...addTo(J, op.i32Const(16 * vectors)),
      ]),
      ...[...get(RA), ...op.i32Const(rows), ...op.i32Mul, ...get(PA), ...op.i32Add, ...set(PA)],
      ...[...get(RB), ...op.i32Const(rows), ...op.i32Mul, ...get(PO), ...op.i32Add, ...set(PO)],
      ...addTo(I, op.i32Const(rows)),
    ]),
  ];
  return slots.function(`matMulPanel${rows}x${4 * vectors}`, body);
}

// Four rows by 8 columns at a time measured fastest (PERF.md); single rows and a last
// block of 4 columns take the narrower variants.
const BLOCK_ROWS = 4;
/** The functions {@link matMulSimdOf} binds. */
export const MATMUL_FUNCTIONS = [
  panelFunction(BLOCK_ROWS, 2),
  panelFunction(1, 2),
  panelFunction(BLOCK_ROWS, 1),
  panelFunction(1, 1),
];

// A panel of b (k x cols floats) is read once per 4 rows of a: kept within 256 KiB it stays in
// the 1 MiB L2 while all rows pass over it.
const PANEL_BYTES = 256 * 1024;

/** The widest panel (a multiple of 8 columns, at most n rounded up to 8) within PANEL_BYTES; 0 if none. */
export function panelColumns(k: number, n: number): number {
  const fit = Math.floor(PANEL_BYTES / (4 * Math.max(k, 1)));
  const wanted = Math.ceil(n / BLOCK_COLUMNS) * BLOCK_COLUMNS;
  return Math.min(wanted, fit - (fit % BLOCK_COLUMNS));
}

/**
 * The SIMD product bound to the wasm backend's memory (`backend.wasm`, the emscripten module), or
 * null where WebAssembly SIMD or the memory is unavailable (the caller then uses XNNPACK). The
 * last n % 4 columns, if any, take a JS loop over `heap` with the same float32 roundings.
 */
export function matMulSimdOf(emscriptenModule: unknown): MatMulSimd | null {
  // Every BatchMatMul call asks: build the product once per module, not per call.
  const key = emscriptenModule as object;
  if (!products.has(key)) products.set(key, buildMatMulSimd(emscriptenModule));
  return products.get(key) ?? null;
}

const products = new WeakMap<object, MatMulSimd | null>();

function buildMatMulSimd(emscriptenModule: unknown): MatMulSimd | null {
  const bound = MATMUL_FUNCTIONS.map((fn) => bindToHeap<PanelSimd>(emscriptenModule, fn));
  if (bound.some((fn) => fn === null)) return null;
  const [block8, row8, block4, row4] = bound as [PanelSimd, PanelSimd, PanelSimd, PanelSimd];
  const heap = emscriptenModule as { HEAPF32: Float32Array };
  return (a, b, out, m, k, n) => {
    const blocked = m - (m % BLOCK_ROWS);
    // One panel: the rows of a, a block of b's columns, 8 or 4 at a time.
    const panel = (j: number, cols: number, rows4: PanelSimd, rows1: PanelSimd) => {
      if (blocked > 0) rows4(a, b + 4 * j, out + 4 * j, blocked, k, n, cols);
      if (blocked < m) {
        rows1(a + 4 * blocked * k, b + 4 * j, out + 4 * (blocked * n + j), m - blocked, k, n, cols);
      }
    };
    const vectorCols = n - (n % 4);
    const wide = vectorCols - (vectorCols % BLOCK_COLUMNS);
    const width = panelColumns(k, n);
    for (let j = 0; j < wide; j += width) panel(j, Math.min(width, wide - j), block8, row8);
    if (vectorCols > wide) panel(wide, 4, block4, row4);
    if (vectorCols < n) tailColumns(heap.HEAPF32, a / 4, b / 4, out / 4, m, k, n, vectorCols);
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
