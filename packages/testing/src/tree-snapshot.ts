// Node-only test support (not re-exported by the index, which stays browser-safe): what a CLI's
// hostile-input tests compare to show that a refused command wrote nothing.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every path under `dir`, recursively, with its size and modification time. */
export function treeSnapshot(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    const info = statSync(path);
    const line = `${path} ${info.size} ${info.mtimeMs}`;
    return e.isDirectory() ? [line, ...treeSnapshot(path)] : [line];
  });
}
