// Checks LoRALinear's hand-written gradient against autodiff of the plain formula, and its memory.
import { initBackend } from '@relora/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseLinear } from './dense-linear';
import { dropoutMultiplier } from './dropout-mask';
import { subSeed } from './init';
import { LoRALinear } from './lora-linear';
import { branchBackwardIsCheaper, factorGradients } from './lora-matmul';
import type { LoRALinearOptions } from './options';

const IN = 10;
const OUT = 6;
const SEED = 5;

/** max |a - b| / max |b|. */
function relError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
    return diff / (tf.max(tf.abs(b)).dataSync()[0] as number);
  });
}

/** A layer with random B and (if trainable) c = 0.7, so every term and gradient is nonzero. */
function makeLayer(options: LoRALinearOptions): LoRALinear {
  const base = options.loraOnly
    ? { inFeatures: IN, outFeatures: OUT }
    : denseLinear({ inFeatures: IN, outFeatures: OUT, seed: 1 });
  const layer = new LoRALinear(base, { rank: 3, alpha: 6, seed: SEED, ...options });
  tf.tidy(() => {
    layer.loraB.assign(tf.randomNormal(layer.loraB.shape, 0, 0.5, 'float32', 7));
    if (!options.loraOnly) layer.bias?.assign(tf.randomNormal([OUT], 0, 0.5, 'float32', 8));
    layer.scalingParam?.assign(tf.scalar(0.7));
  });
  return layer;
}

/** The autodiff formula of the layer: x W + b + s·dropout(x) A B, on x flattened to 2D, same masks. */
function plainFormula(layer: LoRALinear, x: tf.Tensor, training: boolean, call: number): tf.Tensor {
  const x2 = tf.reshape(x, [-1, IN]);
  const rate = layer.options.dropout;
  const mask = () =>
    dropoutMultiplier(x2.shape as [number, number], rate, subSeed(SEED, 'dropout', call));
  const dropped = training && rate > 0 ? tf.mul(x2, mask()) : x2;
  const s = layer.scalingParam
    ? tf.tanh(layer.scalingParam)
    : layer.options.alpha / layer.options.rank;
  let y = tf.mul(tf.matMul(tf.matMul(dropped, layer.loraA), layer.loraB), s);
  if (layer.kernel) y = tf.add(tf.matMul(x2, layer.kernel), y);
  if (layer.bias) y = tf.add(y, layer.bias);
  return tf.reshape(y, [...x.shape.slice(0, -1), OUT]);
}

/** Value and gradients (x, A, B, c) of sum(f(x) ⊙ R) for a fixed random R. */
function valueAndGrads(layer: LoRALinear, x: tf.Variable, f: () => tf.Tensor) {
  return tf.tidy(() => {
    const y = f();
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 9);
    const varList = [x, ...layer.loraVariables()];
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), r)) as tf.Scalar, varList);
    return { y, value, grads: varList.map((v) => grads[v.name] as tf.Tensor) };
  });
}

const CASES: Array<[string, LoRALinearOptions, number[]]> = [
  ['dropout 0, 2D', { dropout: 0 }, [5, IN]],
  ['dropout 0, 2D, alpha = rank (s = 1: no scale multiply)', { dropout: 0, alpha: 3 }, [5, IN]],
  ['dropout 0.3, 2D', { dropout: 0.3 }, [5, IN]],
  ['dropout 0, 3D, trainable scaling', { dropout: 0, trainableScaling: true }, [2, 4, IN]],
  ['dropout 0.3, 3D, trainable scaling', { dropout: 0.3, trainableScaling: true }, [2, 4, IN]],
  ['dropout 0, loraOnly', { dropout: 0, loraOnly: true, trainableScaling: true }, [3, 2, IN]],
  ['dropout 0.3, loraOnly', { dropout: 0.3, loraOnly: true }, [3, 2, IN]],
];

describe.each(['cpu', 'wasm'] as const)('LoRALinear custom gradient on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: backend });
  });

  it.each(CASES)('matches autodiff of the plain formula: %s', (_, options, shape) => {
    const layer = makeLayer(options);
    const x = tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 3));
    for (const training of [true, false]) {
      // Each evaluation draws a mask; the reference draws the same stream for call 0, 1, ...
      const fused = valueAndGrads(layer, x, () => layer.apply(x, { training }));
      let refCall = 0;
      const plain = valueAndGrads(layer, x, () => plainFormula(layer, x, training, refCall++));
      expect(layer.rngState().dropoutCalls).toBe(training && (options.dropout ?? 0) > 0 ? 2 : 0);
      layer.restoreRngState({ dropoutCalls: 0 });
      expect(fused.y.shape).toEqual([...shape.slice(0, -1), OUT]);
      expect(relError(fused.y, plain.y)).toBeLessThan(1e-4);
      expect(relError(fused.value, plain.value)).toBeLessThan(1e-4);
      expect(fused.grads).toHaveLength(options.trainableScaling ? 4 : 3);
      fused.grads.forEach((g, i) => {
        expect(g.shape).toEqual(plain.grads[i]?.shape);
        expect(relError(g, plain.grads[i] as tf.Tensor)).toBeLessThan(1e-4);
      });
      tf.dispose([fused, plain] as unknown as tf.TensorContainer);
    }
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensor across forward, backward and merge', () => {
    for (const dropout of [0, 0.3]) {
      const layer = makeLayer({ dropout, trainableScaling: true, trackDelta: true });
      const x = tf.randomNormal([2, 3, IN], 0, 1, 'float32', 3);
      const before = tf.memory().numTensors;
      for (let step = 0; step < 3; step++) {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(layer.apply(x, { training: true }))) as tf.Scalar,
        );
        tf.dispose([value, ...Object.values(grads)]);
        tf.dispose(layer.apply(x));
      }
      expect(tf.memory().numTensors).toBe(before);
      layer.mergeAndReinit();
      // The tracked delta is the one tensor a merge keeps.
      expect(tf.memory().numTensors).toBe(before + 1);
      x.dispose();
      layer.dispose();
    }
  });

  it('gives no gradient for the frozen kernel, even when asked for it', () => {
    const layer = makeLayer({ dropout: 0.3 });
    const kernel = layer.kernel as tf.Variable;
    const x = tf.randomNormal([4, IN], 0, 1, 'float32', 3);
    const loss = () => tf.sum(layer.apply(x, { training: true })) as tf.Scalar;
    const frozen = tf.variableGrads(loss, [kernel, layer.loraA]);
    // tfjs reports a frozen variable it was asked for as null.
    expect(frozen.grads[kernel.name]).toBeNull();
    // Made trainable, W is still not an input of the product: no gradient rather than a wrong one.
    kernel.trainable = true;
    const asked = tf.variableGrads(loss, [kernel, layer.loraA]);
    expect(Object.keys(asked.grads)).toEqual([layer.loraA.name]);
    tf.dispose(
      [
        x,
        frozen.value,
        asked.value,
        ...Object.values(frozen.grads),
        ...Object.values(asked.grads),
      ].filter((t) => t !== null) as tf.Tensor[],
    );
    layer.dispose();
  });
});

describe('factorGradients', () => {
  it('gives the same G Bᵀ and Aᵀ G by either route, and picks the branch when r is small', async () => {
    await initBackend({ prefer: 'cpu' });
    expect(branchBackwardIsCheaper(512, 128, 352, 32)).toBe(true);
    expect(branchBackwardIsCheaper(512, 128, 128, 128)).toBe(false);
    const x = tf.randomNormal([7, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const dy = tf.randomNormal([7, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const a = tf.randomNormal([6, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
    const b = tf.randomNormal([3, 5], 0, 1, 'float32', 4) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const viaBranch = factorGradients(x, dy, a, b, 'branch');
    const viaFull = factorGradients(x, dy, a, b, 'full');
    for (let i = 0; i < 2; i++) {
      const p = (viaBranch[i] as tf.Tensor).dataSync();
      const q = (viaFull[i] as tf.Tensor).dataSync();
      expect(p.length).toBe(q.length);
      for (let j = 0; j < p.length; j++) expect(p[j]).toBeCloseTo(q[j] as number, 4);
    }
    tf.dispose([...viaBranch, ...viaFull]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy, a, b]);
  });
});
