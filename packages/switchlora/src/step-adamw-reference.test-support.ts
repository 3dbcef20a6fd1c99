// Test fixture (not exported): the official training step around the switch (switch_lora.py
// `switch_lora`, optimizer.py `StepAdamW`) in float64 and PyTorch orientation, for one layer.

import type { ReferenceSwitch } from './switch-reference.test-support';

type Matrix = number[][];

const zeros = (rows: number, cols: number): Matrix =>
  Array.from({ length: rows }, () => new Array<number>(cols).fill(0));

/** Adam state of one factor with a step counter per slice (rows of A, columns of B). */
interface SliceAdam {
  m: Matrix;
  v: Matrix;
  steps: number[];
}

/** One layer under SwitchLoRA with StepAdamW (lr, betas (0.9, 0.999), eps 1e-8, no weight decay). */
export class ReferenceSwitchStep {
  private adamA?: SliceAdam;
  private adamB?: SliceAdam;

  constructor(
    readonly layer: ReferenceSwitch,
    readonly warm: number,
    readonly hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  ) {}

  /** Switch `requested`, zero the counterparts' states, mask, then StepAdamW with `gradA` [r][n], `gradB` [m][r]. */
  step(requested: number, gradA: Matrix, gradB: Matrix, lr: number): void {
    const L = this.layer;
    const r = L.A.length;
    L.switch(requested, this.warm);
    // zero_lora_states: slices whose freeze was just set (or -1).
    const fresh = (fixed: number[]) =>
      fixed.flatMap((s, i) => (s === this.warm || s < 0 ? [i] : []));
    for (const i of fresh(L.fixedA)) {
      if (!this.adamA) break;
      this.adamA.m[i]!.fill(0);
      this.adamA.v[i]!.fill(0);
      this.adamA.steps[i] = 0;
    }
    for (const i of fresh(L.fixedB)) {
      if (!this.adamB) break;
      for (const row of this.adamB.m) row[i] = 0;
      for (const row of this.adamB.v) row[i] = 0;
      this.adamB.steps[i] = 0;
    }
    // correct_switched_lora: zero the frozen gradients and count down.
    const gA = gradA.map((row) => [...row]);
    const gB = gradB.map((row) => [...row]);
    L.fixedA.forEach((s, i) => {
      if (s > 0) {
        gA[i]!.fill(0);
        L.fixedA[i] = s - 1;
      } else if (s < 0) L.fixedA[i] = 0;
    });
    L.fixedB.forEach((s, i) => {
      if (s > 0) {
        for (const row of gB) row[i] = 0;
        L.fixedB[i] = s - 1;
      } else if (s < 0) L.fixedB[i] = 0;
    });
    this.adamA ??= {
      m: zeros(r, L.A[0]!.length),
      v: zeros(r, L.A[0]!.length),
      steps: new Array(r).fill(0),
    };
    this.adamB ??= {
      m: zeros(L.B.length, r),
      v: zeros(L.B.length, r),
      steps: new Array(r).fill(0),
    };
    for (let i = 0; i < r; i++) {
      this.adamA.steps[i]! += 1;
      this.adamB.steps[i]! += 1;
    }
    this.update(L.A, gA, this.adamA, lr, true);
    this.update(L.B, gB, this.adamB, lr, false);
  }

  /** AdamW on `p` with one step counter per row (`byRow`) or per column. */
  private update(p: Matrix, g: Matrix, s: SliceAdam, lr: number, byRow: boolean): void {
    const { beta1, beta2, eps } = this.hyper;
    p.forEach((row, i) => {
      row.forEach((x, j) => {
        const t = s.steps[byRow ? i : j]!;
        const m = beta1 * s.m[i]![j]! + (1 - beta1) * g[i]![j]!;
        const v = beta2 * s.v[i]![j]! + (1 - beta2) * g[i]![j]! ** 2;
        s.m[i]![j] = m;
        s.v[i]![j] = v;
        row[j] =
          x - ((lr / (1 - beta1 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - beta2 ** t) + eps);
      });
    });
  }
}
