// SST's linear layer on the @relora/core seam: W = U·diag(σ)·Vᵀ held as its factors, no W (Zhao
// et al., arXiv 2405.15481; methods.md 4.1-4.2 and 4.6).
import { fnv1a32, type Linear, mulberry32 } from '@relora/core';
import { jacobiSvd, orthonormalize } from '@relora/linalg';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link SSTLinear}. */
export interface SSTLinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Std of the normal init of the dense W the factors start from. Default 0.02 (LLaMA's). */
  std?: number;
  /** Seed of that init (with `name`). Default 0. */
  seed?: number;
  /** Names the init stream, e.g. the HF module name. Default 'sst'. */
  name?: string;
  /**
   * true (default): the sampled vectors get the enhanced gradient, the true one divided by σ_i, so
   * directions with a small σ_i still move (methods.md 4.2); false: autodiff's true gradient.
   */
  enhancedGradient?: boolean;
  /** false leaves the factors 0 (a checkpoint overwrites them) and skips the SVD. Default true. */
  initialize?: boolean;
}

/** N(0, std²) values of an [rows, cols] matrix, row-major, from a seeded Box-Muller stream. */
function normalMatrix(rows: number, cols: number, std: number, seed: number, name: string) {
  const uniform = mulberry32(fnv1a32(`${seed}:${name}`));
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform())) * std;
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * x [N, in] -> ((x V) ⊙ σ) Uᵀ [N, out]. The gradient of σ is the true one; those of V and Uᵀ are
 * SST's enhanced gradients (σ left out) when `enhanced`, else the true ones.
 */
function spectralProjection(
  x: tf.Tensor2D,
  v: tf.Tensor2D,
  s: tf.Tensor1D,
  ut: tf.Tensor2D,
  enhanced: boolean,
): tf.Tensor2D {
  const projection = tf.customGrad((...args) => {
    const [input, right, sigma, leftT, save] = args as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    const a = tf.matMul(input, right);
    save([input, right, sigma, leftT, a]);
    return {
      value: tf.matMul(tf.mul(a, sigma), leftT),
      gradFunc: (dy, saved) => {
        const [xs, vs, ss, uts, as] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        return tf.tidy(() => {
          const g = dy as tf.Tensor2D;
          const gu = tf.matMul(g, uts, false, true); // dL/d(a ⊙ σ), [N, k]
          const gScaled = tf.mul(gu, ss);
          const dx = tf.matMul(gScaled, vs, false, true);
          const dv = tf.matMul(xs, enhanced ? gu : gScaled, true, false);
          const ds = tf.sum(tf.mul(gu, as), 0);
          const dut = tf.matMul(enhanced ? as : tf.mul(as, ss), g, true, false);
          return [dx, dv, ds, dut];
        });
      },
    };
  });
  return projection(x, v, s, ut) as tf.Tensor2D;
}

/**
 * Sparse Spectral Training's layer: y = x V diag(σ) Uᵀ with the torch weight W [out, in] =
 * U diag(σ) Vᵀ, k = min(in, out) singular triplets, no bias. Held in tfjs layout: `v` = V [in, k],
 * `s` = σ [k], `ut` = Uᵀ [k, out], all trainable. {@link setSampled} picks the r pairs whose
 * vectors train this iteration: {@link maskGradient} zeroes the others' gradients and
 * {@link normalize} (after each update) clamps σ at 0 and renormalises the sampled vectors.
 *
 * Init ("SVD init"): the exact float64 SVD ({@link jacobiSvd}) of a normal(0, std²) W drawn in JS
 * from `(seed, name)` (the model's own tensor cannot be read synchronously), so the layer starts as
 * a normally initialised dense layer of the same distribution.
 */
export class SSTLinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** min(in, out): singular triplets held. */
  readonly k: number;
  readonly enhancedGradient: boolean;
  /** V [in, k]: right singular vectors as columns. */
  readonly v: tf.Variable;
  /** σ [k]. */
  readonly s: tf.Variable;
  /** Uᵀ [k, out]: left singular vectors as rows. */
  readonly ut: tf.Variable;
  private sampledIndices: number[] = [];
  /** [1, k] and [k, 1] masks of the sampled pairs (bool); undefined before the first sample. */
  private masks?: { columns: tf.Tensor2D; rows: tf.Tensor2D };

  constructor(options: SSTLinearOptions) {
    const { inFeatures, outFeatures, std = 0.02, seed = 0, name = 'sst' } = options;
    for (const [field, value] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new Error(`SSTLinear: ${field} must be a positive integer, got ${String(value)}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.k = Math.min(inFeatures, outFeatures);
    this.enhancedGradient = options.enhancedGradient ?? true;
    const k = this.k;
    if (options.initialize ?? true) {
      // The kernel K = W^T [in, out] = V diag(σ) U^T: jacobiSvd's u is V, its vt is U^T.
      const svd = jacobiSvd(
        normalMatrix(inFeatures, outFeatures, std, seed, name),
        inFeatures,
        outFeatures,
      );
      // tidy frees each initial value once its variable holds a copy.
      this.v = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(svd.u), [inFeatures, k])));
      this.s = tf.tidy(() => tf.variable(tf.tensor1d(Float32Array.from(svd.s))));
      this.ut = tf.tidy(() =>
        tf.variable(tf.tensor2d(Float32Array.from(svd.vt), [k, outFeatures])),
      );
    } else {
      this.v = tf.tidy(() => tf.variable(tf.zeros([inFeatures, k])));
      this.s = tf.tidy(() => tf.variable(tf.zeros([k])));
      this.ut = tf.tidy(() => tf.variable(tf.zeros([k, outFeatures])));
    }
  }

  /** x [..., in] -> [..., out]. */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures)
      throw new Error(
        `SSTLinear: expected input [..., ${this.inFeatures}], got [${x.shape.join(', ')}]`,
      );
    return tf.tidy(() => {
      const rows = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inFeatures]);
      const y = spectralProjection(
        rows as tf.Tensor2D,
        this.v as tf.Tensor2D,
        this.s as tf.Tensor1D,
        this.ut as tf.Tensor2D,
        this.enhancedGradient,
      );
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }

  /** `sst_v` [in, k], `sst_s` [k], `sst_ut` [k, out]: stored as held (not torch Linear weights). */
  namedVariables(): Array<[string, tf.Variable]> {
    return [
      ['sst_v', this.v],
      ['sst_s', this.s],
      ['sst_ut', this.ut],
    ];
  }

  /** The dense kernel V diag(σ) Uᵀ [in, out] (tfjs layout; the caller disposes it). */
  pendingUpdate(): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(tf.mul(this.v, this.s), this.ut));
  }

  /** The sampled pairs, ascending. */
  get sampled(): readonly number[] {
    return this.sampledIndices;
  }

  /** Makes `indices` (distinct, in [0, k)) the pairs whose vectors train. */
  setSampled(indices: readonly number[]): void {
    const keep = new Uint8Array(this.k);
    for (const i of indices) {
      if (!(Number.isInteger(i) && i >= 0 && i < this.k) || keep[i])
        throw new RangeError(`SSTLinear.setSampled: bad or repeated index ${i} (k = ${this.k})`);
      keep[i] = 1;
    }
    this.masks?.columns.dispose();
    this.masks?.rows.dispose();
    this.masks = {
      columns: tf.tensor2d(keep, [1, this.k], 'bool'),
      rows: tf.tensor2d(keep, [this.k, 1], 'bool'),
    };
    this.sampledIndices = [...indices].sort((a, b) => a - b);
  }

  /**
   * `grad` with the entries of unsampled vectors set to 0 when `variable` is `v` or `ut`; `grad`
   * itself otherwise (σ trains every step). A new tensor when masked; the caller disposes it.
   */
  maskGradient(variable: tf.Variable, grad: tf.Tensor): tf.Tensor {
    if (!this.masks || (variable !== this.v && variable !== this.ut)) return grad;
    const mask = variable === this.v ? this.masks.columns : this.masks.rows;
    return tf.tidy(() => tf.where(mask, grad, tf.zerosLike(grad)));
  }

  /**
   * After an update: σ <- max(σ, 0) and the sampled columns of V and rows of Uᵀ back to unit length
   * (σ carries all magnitude); unsampled vectors keep their exact bits.
   */
  normalize(): void {
    const masks = this.masks;
    tf.tidy(() => {
      this.s.assign(tf.relu(this.s));
      if (!masks) return;
      const unit = (t: tf.Tensor, axis: number) => tf.div(t, tf.norm(t, 'euclidean', axis, true));
      this.v.assign(tf.where(masks.columns, unit(this.v, 0), this.v));
      this.ut.assign(tf.where(masks.rows, unit(this.ut, 1), this.ut));
    });
  }

  /**
   * Re-decomposes U diag(σ) Vᵀ into an exact SVD, restoring orthogonality without changing the
   * function beyond fp32 rounding (methods.md 4.6): Q_V = orth(V), Q_U = orth(U) (CholeskyQR2), the
   * k x k core C = Q_Vᵀ V diag(σ) Uᵀ Q_U, its float64 Jacobi SVD C = X Σ Yᵀ, then V <- Q_V X,
   * Uᵀ <- Yᵀ Q_Uᵀ, σ <- Σ (largest first). The sampled set is left as it is.
   */
  async resvd(): Promise<void> {
    const k = this.k;
    const qv = await orthonormalize(this.v as tf.Tensor2D);
    const utT = tf.transpose(this.ut) as tf.Tensor2D;
    const qu = await orthonormalize(utT);
    utT.dispose();
    try {
      const core = tf.tidy(() =>
        tf.matMul(tf.matMul(tf.matMul(qv, tf.mul(this.v, this.s), true, false), this.ut), qu),
      );
      const values = await core.data();
      core.dispose();
      const svd = jacobiSvd(values, k, k);
      tf.tidy(() => {
        const x = tf.tensor2d(Float32Array.from(svd.u), [k, k]);
        const yt = tf.tensor2d(Float32Array.from(svd.vt), [k, k]);
        this.v.assign(tf.matMul(qv, x));
        this.ut.assign(tf.matMul(yt, qu, false, true));
        this.s.assign(tf.tensor1d(Float32Array.from(svd.s)));
      });
    } finally {
      qv.dispose();
      qu.dispose();
    }
  }

  dispose(): void {
    this.v.dispose();
    this.s.dispose();
    this.ut.dispose();
    this.masks?.columns.dispose();
    this.masks?.rows.dispose();
  }
}
