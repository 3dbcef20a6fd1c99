// Test fixtures (not exported): the official switch written out in float64 and PyTorch orientation
// (W [m][n], A [r][n], B [m][r], pools [C][n] and [C][m]), element by element, to check the layer
// against; and a tiny LinearHost.

import { denseLinear } from '@relora/lora';
import { TinyHost as Host } from '@relora/testing';
import type * as tf from '@tensorflow/tfjs-core';
import type { SwitchLoRALinear } from './switch-lora-linear';

type Matrix = number[][];

const mod = (x: number, n: number) => ((x % n) + n) % n;

/** A [rows, cols] float32 tensor as rows of float64 numbers, transposed when `transpose`. */
export async function toRows(t: tf.Tensor, transpose = false): Promise<Matrix> {
  const [rows, cols] = t.shape as [number, number];
  const data = await t.data();
  const at = (i: number, j: number) => data[i * cols + j] as number;
  return transpose
    ? Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => at(i, j)))
    : Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => at(i, j)));
}

/** The official `SwitchLoraLayer.switch` (continuous selection, offloaded candidates), in float64. */
export class ReferenceSwitch {
  selectedA: number[];
  selectedB: number[];
  pointerA = 0;
  pointerB: number;
  fixedA: number[];
  fixedB: number[];

  constructor(
    public W: Matrix,
    public A: Matrix,
    public B: Matrix,
    public poolA: Matrix,
    public poolB: Matrix,
    readonly scaling: number,
  ) {
    const r = A.length;
    const C = poolA.length;
    const half = Math.floor(r / 2);
    this.selectedA = Array.from({ length: r }, (_, i) => C - r + i);
    this.selectedB = Array.from({ length: r }, (_, i) => this.selectedA[mod(i - half, r)]!);
    this.pointerB = half;
    this.fixedA = new Array(r).fill(0);
    this.fixedB = new Array(r).fill(0);
  }

  /** Switches up to `requested` rows of A then columns of B; returns the A rows and B columns switched. */
  switch(requested: number, warm: number): { a: number[]; b: number[] } {
    const r = this.A.length;
    const C = this.poolA.length;
    if (C - r <= 0) return { a: [], b: [] };
    const fa = this.fixedA.filter((s) => s > 0).length;
    const fb = this.fixedB.filter((s) => s > 0).length;
    const available = Math.min(
      mod(this.pointerA - fa - this.pointerB, r),
      mod(this.pointerB - fb - this.pointerA, r),
    );
    const k = Math.min(requested, available);
    if (k === 0) return { a: [], b: [] };
    const a = Array.from({ length: k }, (_, j) => (this.pointerA + j) % r);
    const b = Array.from({ length: k }, (_, j) => (this.pointerB + j) % r);
    this.pointerA = (this.pointerA + k) % r;
    this.pointerB = (this.pointerB + k) % r;
    const dest = (slots: number[], selected: number[]) => {
      const first = selected[mod(slots[0]! - 1, r)]! + 1;
      return slots.map((_, j) => (first + j) % C);
    };
    const destA = dest(a, this.selectedA);
    const n = this.W[0]!.length;
    const m = this.W.length;
    // A's rows: W += s · B[:, i] (A[i] - c)ᵀ; pieces copied before the write-back.
    const piecesA = destA.map((d) => [...this.poolA[d]!]);
    a.forEach((i, j) => {
      for (let row = 0; row < m; row++)
        for (let col = 0; col < n; col++)
          this.W[row]![col]! +=
            this.B[row]![i]! * (this.A[i]![col]! - piecesA[j]![col]!) * this.scaling;
    });
    a.forEach((i) => {
      this.poolA[this.selectedA[i]!] = [...this.A[i]!];
    });
    a.forEach((i, j) => {
      this.A[i] = [...piecesA[j]!];
      this.selectedA[i] = destA[j]!;
      this.fixedB[i] = warm;
    });
    // B's columns: W += s · (B[:, i] - c) A[i]ᵀ, with A as it is after its switch.
    const destB = dest(b, this.selectedB);
    const piecesB = destB.map((d) => [...this.poolB[d]!]);
    b.forEach((i, j) => {
      for (let row = 0; row < m; row++)
        for (let col = 0; col < n; col++)
          this.W[row]![col]! +=
            (this.B[row]![i]! - piecesB[j]![row]!) * this.A[i]![col]! * this.scaling;
    });
    b.forEach((i) => {
      this.poolB[this.selectedB[i]!] = this.B.map((row) => row[i]!);
    });
    b.forEach((i, j) => {
      for (let row = 0; row < m; row++) this.B[row]![i] = piecesB[j]![row]!;
      this.selectedB[i] = destB[j]!;
      this.fixedA[i] = warm;
    });
    return { a, b };
  }
}

/** The reference, in PyTorch orientation, starting from `layer`'s current values. */
export async function referenceOf(layer: SwitchLoRALinear): Promise<ReferenceSwitch> {
  return new ReferenceSwitch(
    await toRows(layer.kernel, true),
    await toRows(layer.loraA, true),
    await toRows(layer.loraB, true),
    await toRows(layer.candidatesA),
    await toRows(layer.candidatesB),
    layer.scale,
  );
}

/** The official `correct_switched_lora`'s count-down of the freezes (after the gradients are masked). */
export function countDown(fixed: number[]): void {
  fixed.forEach((s, i) => {
    if (s > 0) fixed[i] = s - 1;
    else if (s < 0) fixed[i] = 0;
  });
}

/** max |a - b| over two matrices of one shape. */
export function maxMatrixDiff(a: Matrix, b: Matrix): number {
  let worst = 0;
  a.forEach((row, i) => {
    row.forEach((x, j) => {
      worst = Math.max(worst, Math.abs(x - b[i]![j]!));
    });
  });
  return worst;
}

/** Dense layers applied in order with ReLU between them, no biases (as LLaMA's). */
export class TinyHost extends Host {
  constructor(layers: Array<[string, number, number]>, seed = 1) {
    super(layers, denseLinear, seed, false);
  }
}
