// The archive's two commands: POSIX sh scripts that run the bundled Node on a bundled app.
import { IN_ARCHIVE } from './layout';

/** Where a host keeps its own Vulkan loader (the bundled one is used only when none is there). */
const SYSTEM_LOADER_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib64',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
];

/**
 * The launcher of `app` (`bench` or `pretrain`, the bundle in lib/app/). Shell built-ins only, so
 * it runs with any PATH, even an empty one; it finds its own folder from `$0`.
 */
export function launcherScript(app: string, title: string): string {
  const loaderDir = IN_ARCHIVE.vulkanLoader.replace(/\/[^/]+$/, '');
  return `#!/bin/sh
# ${title}, on this machine's GPU through WebGPU (Dawn over Vulkan), with the Node.js in this
# folder; nothing is installed and nothing is downloaded. Arguments go to the app; --backend webgpu
# is added unless one is named (README.md). Exit code 4: no usable WebGPU adapter.
case $0 in */*) here=\${0%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd -P) || exit 1
# Dawn loads libvulkan.so.1: the host's own when it has one (or RELORA_GPU_SYSTEM_VULKAN=1 says
# so), else the loader in this folder (RELORA_GPU_BUNDLED_VULKAN=1 forces that one).
use_bundled=\${RELORA_GPU_BUNDLED_VULKAN:-}
if [ -z "$use_bundled" ] && [ -z "\${RELORA_GPU_SYSTEM_VULKAN:-}" ]; then
  use_bundled=1
  for dir in ${SYSTEM_LOADER_DIRS.join(' ')}; do
    if [ -e "$dir/libvulkan.so.1" ]; then use_bundled=; break; fi
  done
fi
if [ -n "$use_bundled" ] && [ -e "$here/${IN_ARCHIVE.vulkanLoader}" ]; then
  LD_LIBRARY_PATH="$here/${loaderDir}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
fi
exec "$here/${IN_ARCHIVE.node}" "$here/${IN_ARCHIVE.app}/${app}.js" "$@"
`;
}

/** The launchers: file name in the archive's top folder -> script. */
export const LAUNCHERS: Record<string, string> = {
  bench: launcherScript(
    'bench',
    'relora-bench (memory and throughput of full, LoRA and ReLoRA training)',
  ),
  pretrain: launcherScript(
    'pretrain',
    'relora-pretrain (ReLoRA pretraining of a LLaMA-style model)',
  ),
};
