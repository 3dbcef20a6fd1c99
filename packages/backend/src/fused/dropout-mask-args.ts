// Checks of a dropout mask kernel call's attributes; the contract itself is @relora/core's.
import { DROPOUT_MASK_KERNEL, type DropoutMaskAttrs } from '@relora/core';
import type * as tf from '@tensorflow/tfjs-core';

const isInt32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;

/**
 * Checks a kernel call's attributes and returns them; `where` names the backend in error messages.
 * The keys and `keptBits` must be signed int32 values, one representation for every backend: a
 * float or a wider integer (which `^` and `&` would silently truncate) is a caller's bug.
 */
export function checkDropoutMaskAttrs(
  attrs: tf.NamedAttrMap | undefined,
  where: string,
): DropoutMaskAttrs {
  const a = (attrs ?? {}) as unknown as DropoutMaskAttrs;
  const fail = (message: string): never => {
    throw new Error(`${DROPOUT_MASK_KERNEL} (${where}): ${message}`);
  };
  for (const key of ['rows', 'cols'] as const) {
    const v = a[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      fail(`attr '${key}' must be an integer >= 0, got ${String(v)}`);
  }
  for (const key of ['keyA', 'keyB', 'keptBits'] as const) {
    if (!isInt32(a[key]))
      fail(`attr '${key}' must be a signed 32-bit integer, got ${String(a[key])}`);
  }
  const t = a.threshold;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > 2 ** 31)
    fail(`attr 'threshold' must be an integer in [0, 2^31], got ${String(t)}`);
  return a;
}
