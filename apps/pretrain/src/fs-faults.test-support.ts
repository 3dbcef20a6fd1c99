// Imported into a CLI child process (spawnCli's preload) to make one file-system call pause, for a
// kill -9 at a chosen point, or fail with an errno, as a full disk does. RELORA_TEST_FS_FAULT is
// `<pause | errno code>:<node:fs function>:<regular expression>`; the expression is tested against
// the call's first argument (a path), every call that matches pauses or fails.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** Builds the RELORA_TEST_FS_FAULT value. */
export function fsFault(action: 'pause' | `E${string}`, fn: string, path: RegExp): string {
  return `${action}:${fn}:${path.source}`;
}

/** The line a paused call writes to stderr before it waits (for a minute) to be killed. */
export const PAUSED = 'fs-fault: paused';

const spec = process.env.RELORA_TEST_FS_FAULT;
if (spec) {
  const [action, fn, ...pattern] = spec.split(':');
  const match = new RegExp(pattern.join(':'));
  const calls = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = calls[fn as string];
  if (typeof original !== 'function') throw new Error(`RELORA_TEST_FS_FAULT: no fs.${fn}`);
  calls[fn as string] = (...args: unknown[]) => {
    const path = String(args[0]);
    if (match.test(path)) {
      if (action === 'pause') {
        fs.writeSync(2, `${PAUSED} in ${fn}(${path})\n`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      } else {
        const syscall = String(fn).replace(/Sync$/, '');
        throw Object.assign(new Error(`${action}: injected by a test, ${syscall} '${path}'`), {
          code: action,
          syscall,
          path,
        });
      }
    }
    return original(...args);
  };
  // ES module imports of node:fs see the replacement too.
  syncBuiltinESMExports();
}
