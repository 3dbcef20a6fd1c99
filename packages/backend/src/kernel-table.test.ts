// The registries report WebAssembly that cannot run instead of falling back in silence.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type KernelEntry, registerTable, simdErrors } from './kernel-table';
import { wasmKernelErrors } from './register-wasm-kernels';
import { initBackend } from './select/init-backend';
import { Locals } from './wasm/locals';
import { bindToHeap, op } from './wasm/simd-module';
import { internals } from './wasm/wasm-heap';

// adds an i32 to a v128: the module does not validate
const slots = new Locals();
const x = slots.param('x');
const invalid = slots.function('invalidAdd', [
  ...op.localGet(x),
  ...op.localGet(x),
  ...op.f32x4Add,
]);

const entry = (simd: KernelEntry['simd']): KernelEntry => ({
  name: 'NotRegistered',
  why: 'test',
  config: () => {
    throw new Error('not built in these tests');
  },
  simd,
});

describe('kernel tables', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('lists no error for the wasm kernels as built', () => {
    expect(wasmKernelErrors(tf.backend())).toEqual([]);
  });

  it('names the kernel, the function and the compiler’s reason for a module that is invalid', () => {
    const wasm = internals(tf.backend()).wasm;
    expect(simdErrors([entry([invalid])], wasm)).toEqual([
      { kernel: 'NotRegistered', reason: expect.stringMatching(/^invalidAdd: CompileError: .+/) },
    ]);
    expect(bindToHeap(wasm, invalid)).toBeNull();
    expect(simdErrors([entry(undefined)], wasm)).toEqual([]);
  });

  it('says so when the backend exposes no memory', () => {
    expect(simdErrors([entry([invalid])], {})).toEqual([
      { kernel: 'NotRegistered', reason: expect.stringMatching(/exposes no WebAssembly.Memory/) },
    ]);
  });

  it('refuses an entry whose config is another kernel’s, registering nothing', () => {
    const table: KernelEntry[] = [
      {
        name: 'ReloraTableTest',
        why: 'test',
        config: () => ({ kernelName: 'Other', backendName: 'wasm', kernelFunc: () => [] }),
      },
    ];
    expect(() => registerTable(table, 'wasm', { replace: true })).toThrow(
      "entry 'ReloraTableTest' for wasm builds Other for wasm",
    );
    expect(tf.getKernel('Other', 'wasm')).toBeUndefined();
  });
});
