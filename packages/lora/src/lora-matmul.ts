// The LoRA product y = x W + b + s·dropout(x) A B on 2D x, with a hand-written gradient (tf.customGrad).
import * as tf from '@tensorflow/tfjs-core';

/** The tensors of one LoRA product; all but x, A, B and c are frozen and closed over. */
export interface LoRAProductParts {
  /** Frozen W [in, out]; absent with `loraOnly`. */
  readonly kernel?: tf.Tensor2D;
  /** Frozen bias [out]. */
  readonly bias?: tf.Tensor;
  /** A [in, r]. */
  readonly a: tf.Tensor2D;
  /** B [r, out]. */
  readonly b: tf.Tensor2D;
  /** Trainable scaling c [] (s = tanh(c)); absent: s = `fixedScale`. */
  readonly c?: tf.Scalar;
  /** s when there is no c: alpha / rank. */
  readonly fixedScale: number;
}

/**
 * x [rows, in] -> [rows, out] without dropout, through the merged weight W' = W + s·A·B [in, out]:
 * it costs in·r·out on top of the plain product, whatever the number of rows. Backward:
 * dx = dy W'ᵀ, and with G = xᵀ dy: dA = s G Bᵀ, dB = s Aᵀ G, dc = sech²(c)·sum(A ⊙ G Bᵀ)
 * (see {@link factorGradients} for how G Bᵀ and Aᵀ G are computed).
 * Saves x, W', s·A, B (and A, c with trainable scaling) for the backward pass.
 */
export function mergedLoRAMatMul(x: tf.Tensor2D, parts: LoRAProductParts): tf.Tensor2D {
  const { kernel, bias } = parts;
  return customProduct(x, parts, (x2, a, b, cIn, save) => {
    const s = scaleOf(cIn, parts.fixedScale);
    // Scaling A [in, r] costs fewer multiplies than scaling A·B [in, out]; the backward pass
    // reuses s·A, so dB = s·Aᵀ G needs no multiply of its own.
    const aScaled = scaled(a, s);
    const delta = tf.matMul(aScaled, b);
    const merged = kernel ? tf.add(kernel, delta) : delta;
    save(cIn ? [x2, merged, aScaled, b, a, cIn] : [x2, merged, aScaled, b]);
    const y = tf.matMul(x2, merged);
    return {
      value: bias ? tf.add(y, bias) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs, ws, as, bs] = saved as tf.Tensor2D[] as [
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
          ];
          const cs = saved[5] as tf.Scalar | undefined;
          const s2 = scaleOf(cs, parts.fixedScale);
          const dy2 = dy as tf.Tensor2D;
          // With s·A in place of A: G Bᵀ as before, and s·Aᵀ G, which is dB.
          const [gbt, db] = factorGradients(xs, dy2, as, bs);
          const grads = [tf.matMul(dy2, ws, false, true), scaled(gbt, s2), db];
          if (cs) grads.push(scalingGrad(cs, saved[4] as tf.Tensor2D, gbt));
          return grads;
        }),
    };
  });
}

/**
 * x [rows, in] -> [rows, out] with dropout on the LoRA branch: y = x W + s·(xd A) B (+ b) with
 * xd = x ⊙ mask. `multiplier` [rows, in] is the mask times s when s is fixed (no c: one multiply
 * fewer each way, see `dropoutMultiplier`'s scale), the bare mask with trainable scaling.
 * Backward, with g = s·dy Bᵀ: dx = dy Wᵀ + (g Aᵀ) ⊙ mask, dA = xdᵀ g, dB = (s·xd A)ᵀ dy,
 * dc = sech²(c)·sum(dy Bᵀ ⊙ xd A). Saves x, the multiplier, xd A [rows, r], A, B, W (and c);
 * xd is recomputed in the backward pass rather than kept.
 */
export function droppedLoRAMatMul(
  x: tf.Tensor2D,
  parts: LoRAProductParts,
  multiplier: tf.Tensor2D,
): tf.Tensor2D {
  const { kernel, bias } = parts;
  return customProduct(x, parts, (x2, a, b, cIn, save) => {
    // Only trainable scaling still needs s applied (undefined: none); a fixed s is inside the multiplier.
    const xa = tf.matMul(tf.mul(x2, multiplier), a);
    const lora = tf.matMul(scaled(xa, cIn && tf.tanh(cIn)), b);
    const y = kernel ? tf.add(tf.matMul(x2, kernel), lora) : lora;
    // W is saved (a clone shares its data), so a merge before the backward pass cannot change it.
    const frozen = kernel ? [kernel] : [];
    save([x2, multiplier, xa, a, b, ...(cIn ? [cIn] : []), ...frozen]);
    return {
      value: bias ? tf.add(y, bias) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs, ms, xas, as, bs] = saved as tf.Tensor2D[] as [
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
          ];
          const cs = cIn ? (saved[5] as tf.Scalar) : undefined;
          const ws = kernel ? (saved[saved.length - 1] as tf.Tensor2D) : undefined;
          const s2 = cs && tf.tanh(cs);
          const dy2 = dy as tf.Tensor2D;
          const gu = tf.matMul(dy2, bs, false, true);
          const g = scaled(gu, s2);
          const dxLora = tf.mul(tf.matMul(g, as, false, true), ms);
          const grads = [
            ws ? tf.add(tf.matMul(dy2, ws, false, true), dxLora) : dxLora,
            tf.matMul(tf.mul(xs, ms) as tf.Tensor2D, g, true, false),
            tf.matMul(scaled(xas, s2), dy2, true, false),
          ];
          if (cs) grads.push(scalingGrad(cs, xas, gu));
          return grads;
        }),
    };
  });
}

/**
 * True when G Bᵀ and Aᵀ G are cheaper through the rank-r branch, as xᵀ (dy Bᵀ) and (x A)ᵀ dy
 * (2·rows·r·(in + out) multiply-adds), than through G = xᵀ dy [in, out] (in·out·(rows + 2r)): the
 * case whenever r is small against in and out, which is when LoRA should beat full-rank training.
 */
export function branchBackwardIsCheaper(rows: number, inF: number, outF: number, rank: number) {
  return 2 * rows * rank * (inF + outF) < inF * outF * (rows + 2 * rank);
}

/** G Bᵀ [in, r] and Aᵀ G [r, out] for G = xᵀ dy, by the cheaper route. */
export function factorGradients(
  x: tf.Tensor2D,
  dy: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  route: 'auto' | 'branch' | 'full' = 'auto',
): [tf.Tensor2D, tf.Tensor2D] {
  const [rows, inF] = x.shape;
  const [rank, outF] = b.shape;
  const branch =
    route === 'auto' ? branchBackwardIsCheaper(rows, inF, outF, rank) : route === 'branch';
  return tf.tidy(() => {
    if (branch) {
      const u = tf.matMul(dy, b, false, true);
      return [tf.matMul(x, u, true, false), tf.matMul(tf.matMul(x, a), dy, true, false)];
    }
    const g = tf.matMul(x, dy, true, false);
    return [tf.matMul(g, b, false, true), tf.matMul(a, g, true, false)];
  }) as [tf.Tensor2D, tf.Tensor2D];
}

type ProductBody = (
  x: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  c: tf.Scalar | undefined,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** Runs `body` under tf.customGrad with inputs x, A, B and (if trainable) c, the only ones with gradients. */
function customProduct(x: tf.Tensor2D, parts: LoRAProductParts, body: ProductBody): tf.Tensor2D {
  const product = tf.customGrad((...args) => {
    const [x2, a, b] = args as tf.Tensor2D[] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const c = parts.c ? (args[3] as tf.Scalar) : undefined;
    return body(x2, a, b, c, args[args.length - 1] as tf.GradSaveFunc);
  });
  const inputs = parts.c ? [x, parts.a, parts.b, parts.c] : [x, parts.a, parts.b];
  return product(...inputs) as tf.Tensor2D;
}

function scaleOf(c: tf.Scalar | undefined, fixedScale: number): tf.Scalar | number {
  return c ? tf.tanh(c) : fixedScale;
}

/** s·t; no s, or a fixed s of 1 (alpha = rank), costs no launch (multiplying by 1 is exact). */
function scaled(t: tf.Tensor, s: tf.Scalar | number | undefined): tf.Tensor2D {
  return (s === undefined || s === 1 ? t : tf.mul(t, s)) as tf.Tensor2D;
}

/**
 * dL/dc for s = tanh(c): the output moves by ds·(u ⊙ v) summed, where sum(u ⊙ v) is
 * sum(A ⊙ G Bᵀ) = sum(G ⊙ A B) merged, or sum(xd A ⊙ dy Bᵀ) with dropout; ds/dc = sech²(c).
 */
function scalingGrad(c: tf.Scalar, u: tf.Tensor, v: tf.Tensor): tf.Scalar {
  const sech2 = tf.sub(1, tf.square(tf.tanh(c)));
  return tf.mul(sech2, tf.sum(tf.mul(u, v))) as tf.Scalar;
}
