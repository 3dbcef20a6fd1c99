// The shape of the per-backend registries (register-wasm-kernels.ts, register-cpu-kernels.ts,
// register-webgpu-kernels.ts): one table per backend, from which both the registration and the
// documented list derive.
import * as tf from '@tensorflow/tfjs-core';
import { bindFailure, type SimdFunction } from './wasm/simd-module';

/** One kernel @relora/backend registers for a backend. */
export interface KernelEntry {
  name: string;
  /** Why it is there, as `WASM_KERNELS`, `CPU_KERNELS` and `WEBGPU_KERNELS` say. */
  why: string;
  /**
   * Builds the config. Called for every entry before any is registered: a replacement keeps the
   * stock kernel it falls back to, which registering would hide.
   */
  config: () => tf.KernelConfig;
  /** The WebAssembly functions the kernel runs on the heap (wasm only). */
  simd?: readonly SimdFunction[];
}

/** A kernel whose WebAssembly could not run on the backend, which then takes a slower path. */
export interface KernelError {
  kernel: string;
  reason: string;
}

/**
 * Entries for kernels whose config is a constant (they replace no stock kernel): each named by its
 * config's kernel, with why it is there.
 */
export function constantEntries(
  rows: ReadonlyArray<readonly [config: tf.KernelConfig, why: string]>,
): KernelEntry[] {
  return rows.map(([config, why]) => ({ name: config.kernelName, why, config: () => config }));
}

/** `{ name: why }` for every entry, in table order. */
export function purposes(table: readonly KernelEntry[]): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(table.map((entry) => [entry.name, entry.why])));
}

const replaced = new WeakSet<readonly KernelEntry[]>();

/**
 * Registers every entry of `table` for `backendName`. With `replace`, over the kernels there and
 * once per process: a second round would take this table's own kernels for the stock ones to fall
 * back to. Without, each call adds the entries missing (none of them has a stock kernel).
 * @returns the names of the table's kernels.
 */
export function registerTable(
  table: readonly KernelEntry[],
  backendName: string,
  { replace }: { replace: boolean },
): string[] {
  const names = table.map((entry) => entry.name);
  if (replace && replaced.has(table)) return names;
  const configs = table
    .filter((entry) => replace || tf.getKernel(entry.name, backendName) === undefined)
    .map((entry) => {
      const config = entry.config();
      if (config.kernelName !== entry.name || config.backendName !== backendName) {
        throw new Error(
          `registerTable: entry '${entry.name}' for ${backendName} builds ${config.kernelName} for ${config.backendName}`,
        );
      }
      return config;
    });
  for (const config of configs) {
    // registerKernel only warns and keeps the old kernel when one is registered.
    if (tf.getKernel(config.kernelName, backendName) !== undefined) {
      tf.unregisterKernel(config.kernelName, backendName);
    }
    tf.registerKernel(config);
  }
  if (replace) replaced.add(table);
  return names;
}

/**
 * Compiles and binds every WebAssembly function of `table` for this emscripten module's memory
 * (cached there for the kernels' calls) and lists those that failed.
 */
export function simdErrors(
  table: readonly KernelEntry[],
  emscriptenModule: unknown,
): KernelError[] {
  return table.flatMap((entry) =>
    (entry.simd ?? []).flatMap((fn) => {
      const reason = bindFailure(emscriptenModule, fn);
      return reason === undefined ? [] : [{ kernel: entry.name, reason }];
    }),
  );
}
