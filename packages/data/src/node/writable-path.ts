// Whether a file or folder can be created at a path: checked before a command writes anything.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why nothing can be created at `path` (one line, for a message after the option's name), or
 * undefined when it can: the nearest existing folder at or above it must be a folder this process
 * may write into. Checked up front, since `mkdir -p` on a read-only file system reports ENOENT.
 */
export function unwritablePath(path: string): string | undefined {
  let existing = resolve(path);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const what = existing === resolve(path) ? path : `cannot create ${path}: ${existing}`;
  if (!statSync(existing).isDirectory()) return `${what} is a file, not a directory`;
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    return `${what} is not writable`;
  }
  return undefined;
}
