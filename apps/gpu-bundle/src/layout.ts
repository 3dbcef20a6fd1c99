// Where everything sits: in the repository (inputs) and in the archive (outputs).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The archive's file name; it holds one folder, {@link TOP}. */
export const ARCHIVE_NAME = 'relora-gpu-linux-x64.tar.gz';
/** The one folder the archive unpacks to. */
export const TOP = 'relora-gpu';
/** The limit on the compressed archive (60 MB, decimal). */
export const MAX_ARCHIVE_BYTES = 60_000_000;

/** The repository root (this file is apps/gpu-bundle/src/layout.ts, or dist/cli.js once built). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The folder of an installed package, resolved from the package at `from` (a repo folder). */
export function packageDir(name: string, from = 'apps/gpu-bundle'): string {
  const require = createRequire(join(REPO, from, 'package.json'));
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * Paths inside the unpacked folder. The apps are ESM bundles in `lib/app/`, whose
 * `lib/package.json` says `"type": "module"`; `lib/node_modules/` holds what the bundles find at
 * run time by Node's resolution from there (Dawn, the Brown corpus, threaded wasm, version records).
 */
export const IN_ARCHIVE = {
  node: 'node/bin/node',
  app: 'lib/app',
  libPackageJson: 'lib/package.json',
  nodeModules: 'lib/node_modules',
  vulkanLoader: 'lib/vulkan/libvulkan.so.1',
  licenses: 'licenses',
} as const;
