// Float64 scalar references of one GaLore / Fira step, written from the equations of methods.md 1.1 and 2.1.

/** Row-major matrix helpers in float64. */
export function matMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transB ? b[j * k + p]! : b[p * n + j]!;
        x += av * bv;
      }
      out[i * n + j] = x;
    }
  return out;
}

export interface ReferenceState {
  m: Float64Array;
  v: Float64Array;
  t: number;
  limiter?: number;
}

export interface ReferenceOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  alpha: number;
  weightDecay: number;
  fira?: { gamma: number; residual: 'code' | 'paper' };
}

/**
 * One GaLore (or Fira) step on kernel w [a, b] with gradient g and projector p, computed element
 * by element: left side (a <= b) p is [a, r], R = pᵀ g; right side p is [r, b], R = g pᵀ.
 * Returns the new weight; updates `state` in place.
 */
export function referenceStep(
  w: ArrayLike<number>,
  g: ArrayLike<number>,
  p: ArrayLike<number>,
  a: number,
  b: number,
  r: number,
  state: ReferenceState,
  o: ReferenceOptions,
): Float64Array {
  const left = a <= b;
  const R = left ? matMul(p, g, r, a, b, true) : matMul(g, p, a, b, r, false, true);
  const back = (x: Float64Array) => (left ? matMul(p, x, a, r, b) : matMul(x, p, a, r, b));
  state.t += 1;
  const N = new Float64Array(R.length);
  for (let i = 0; i < R.length; i++) {
    state.m[i] = o.beta1 * state.m[i]! + (1 - o.beta1) * R[i]!;
    state.v[i] = o.beta2 * state.v[i]! + (1 - o.beta2) * R[i]! ** 2;
    N[i] = state.m[i]! / (Math.sqrt(state.v[i]!) + o.eps);
  }
  const eta = (o.lr * Math.sqrt(1 - o.beta2 ** state.t)) / (1 - o.beta1 ** state.t);
  const backN = back(N);
  const dir = Float64Array.from(backN, (x) => o.alpha * x);
  if (o.fira) {
    const backR = back(R);
    const code = o.fira.residual === 'code';
    const res = Float64Array.from(g, (x, i) => x - (code ? o.alpha : 1) * backR[i]!);
    // phi per index of the non-projected axis: columns (left) or rows (right) of R and N.
    const rows = left ? r : a;
    const cols = left ? b : r;
    const norm = (x: Float64Array, index: number) => {
      let sum = 0;
      if (left) for (let i = 0; i < rows; i++) sum += x[i * cols + index]! ** 2;
      else for (let j = 0; j < cols; j++) sum += x[index * cols + j]! ** 2;
      return Math.sqrt(sum);
    };
    const S = new Float64Array(a * b);
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++) {
        const index = left ? j : i;
        S[i * b + j] = res[i * b + j]! * (norm(N, index) / (norm(R, index) + 1e-8));
      }
    let sNorm = Math.sqrt(S.reduce((s, x) => s + x * x, 0));
    if (state.limiter !== undefined) {
      const ratio = Math.max(sNorm / (state.limiter + 1e-8), o.fira.gamma) / o.fira.gamma;
      for (let i = 0; i < S.length; i++) S[i]! /= ratio;
      sNorm /= ratio;
    }
    state.limiter = sNorm;
    for (let i = 0; i < dir.length; i++) dir[i]! += (code ? 1 : o.alpha) * S[i]!;
  }
  return Float64Array.from(w, (x, i) => (x - eta * dir[i]!) * (1 - o.lr * o.weightDecay));
}
