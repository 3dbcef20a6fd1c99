// The apps as single ESM files for Node 20 (esbuild, every dependency inlined), one per entry.
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO } from './layout';

/** Output name (in lib/app/) -> entry file (repository-relative). */
export const ENTRIES: Record<string, string> = {
  // preflight.ts, then relora-bench's CLI.
  bench: 'apps/gpu-bundle/src/host/bench-entry.ts',
  // The runner spawns `child.js` from the folder of the module that holds it: this bundle's.
  child: 'apps/bench/src/child.ts',
  pretrain: 'apps/gpu-bundle/src/host/pretrain-entry.ts',
  // DataParallelGradients starts `data-parallel-worker.js` from beside its own module (`--workers`).
  'data-parallel-worker': 'packages/trainer/dist/data-parallel-worker.js',
  'webgpu-probe': 'apps/gpu-bundle/src/host/webgpu-probe.ts',
};

/**
 * What CommonJS code inside an ESM bundle expects: `require` (emscripten's glue and Dawn's loader
 * call it), `__dirname` (tfjs-backend-wasm finds its .wasm files there: they are copied beside the
 * bundle) and `__filename` (the trainer finds its worker script beside it).
 */
const BANNER = [
  "import { createRequire as __relora_createRequire } from 'node:module';",
  "import { fileURLToPath as __relora_fileURLToPath } from 'node:url';",
  'const require = __relora_createRequire(import.meta.url);',
  'const __filename = __relora_fileURLToPath(import.meta.url);',
  "const __dirname = __relora_fileURLToPath(new URL('.', import.meta.url)).replace(/\\/$/, '');",
].join('\n');

/**
 * Loaded at run time, never bundled: Dawn (a native addon, shipped in lib/node_modules) and the
 * optional tfjs-node packages (absent: the backend probe skips them).
 */
const EXTERNAL = ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** Bundles every entry into `outDir`; returns the warnings esbuild printed, as text. */
export async function bundleApps(outDir: string): Promise<string[]> {
  const result = await build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, file]) => [name, join(REPO, file)]),
    ),
    outdir: outDir,
    bundle: true,
    splitting: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: BANNER },
    external: EXTERNAL,
    // Whitespace and syntax only: error messages and stack traces keep their names.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    logLevel: 'silent',
    // The trainer's worker imports a shared tsup chunk for nothing but its (absent) side effects.
    logOverride: { 'ignored-bare-import': 'silent' },
  });
  return result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`);
}
