// Checks that a tfjs-node package can load before importing it: its JavaScript registers ~150
// kernels on import and only then finds its native binding missing, so a failed import leaves a
// wall of "already registered" warnings when the next candidate registers the same kernels.
import * as tf from '@tensorflow/tfjs-core';
import { builtin, isNode } from './node-builtins';

/** The two tfjs-node packages, which share tfjs' backend name `tensorflow`. */
export type TfjsNodePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

/**
 * Why `pkg` cannot load here, found without importing it, or `undefined` when it looks loadable:
 * not Node.js, not installed, or installed without the native binding its install script
 * downloads (`lib/napi-v<N>/tfjs_binding.node`; pnpm and `--ignore-scripts` skip that script).
 */
export function tfjsNodeUnavailable(pkg: TfjsNodePackage): string | undefined {
  if (!isNode()) return `${pkg} runs only in Node.js`;
  const path = builtin('node:path');
  const fs = builtin('node:fs');
  const { createRequire } = builtin('node:module');
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return `${pkg} is not installed (npm i ${pkg}@4.22.0)`;
  }
  const lib = path.join(dir, 'lib');
  const bindings = fs.existsSync(lib)
    ? (fs.readdirSync(lib) as string[]).filter((entry) =>
        fs.existsSync(path.join(lib, entry, 'tfjs_binding.node')),
      )
    : [];
  if (bindings.length === 0) {
    return `${pkg} is installed without its native binding (lib/napi-v*/tfjs_binding.node): its install script did not run`;
  }
  return undefined;
}

/**
 * Runs `work` with tfjs' own warnings off (tfjs-core's `PROD` flag), restoring the flag after:
 * a tfjs-node package whose binding is present but fails to open (CUDA missing) has already
 * registered its kernels, and the next candidate would warn once per kernel.
 */
export async function withTfjsWarningsOff<T>(work: () => Promise<T>): Promise<T> {
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    return await work();
  } finally {
    env.set('PROD', prod);
  }
}
