// Test helper: run AdamW on its ops path on a backend that has the fused kernel.

import { ADAMW_UPDATE_KERNEL } from '@relora/core';
import { withoutKernels } from '@relora/testing';
import { expect } from 'vitest';
import { hasFusedAdamW } from './adamw-fused';

/** Runs `fn` with the fused kernel unregistered on the current backend, so AdamW takes the ops path. */
export function withOpsPath<T>(fn: () => T): T {
  return withoutKernels([ADAMW_UPDATE_KERNEL], () => {
    expect(hasFusedAdamW()).toBe(false);
    return fn();
  });
}
