// Every WebAssembly function the kernels emit, as text checked in next to this file: a change to
// the emitted bytes fails here until its snapshot is updated (`vitest -u`), and the review reads
// the change as a text diff.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { WASM_SIMD_FUNCTIONS } from '../register-wasm-kernels';
import { encodeModule, nameSection, type SimdFunction } from './simd-module';

const SNAPSHOTS = new URL('./__snapshots__/', import.meta.url);
const wabt = wabtInit();

const describeBytes = (bytes: Uint8Array) =>
  `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;

// The text carries the slot names (from a name section the kernels' modules do not have); the
// header pins the kernels' own bytes, which the text alone would not (e.g. LEB128 padding).
async function snapshotText(fn: SimdFunction): Promise<string> {
  const bytes = encodeModule(fn, false);
  const module = (await wabt).readWasm(new Uint8Array([...bytes, ...nameSection(fn)]), {
    readDebugNames: true,
    relaxed_simd: true,
  });
  try {
    module.validate();
    module.applyNames();
    return [
      `;; ${fn.name}: emitted by @relora/backend; src/wasm/wat-snapshots.test.ts checks it (vitest -u rewrites it).`,
      `;; module: ${describeBytes(bytes)}`,
      `;; with a shared memory (threaded build): ${describeBytes(encodeModule(fn, true))}`,
      module.toText({ foldExprs: false, inlineExport: true }),
    ].join('\n');
  } finally {
    module.destroy();
  }
}

describe('emitted WebAssembly (text snapshots in src/wasm/__snapshots__)', () => {
  it('names every function once', () => {
    const names = WASM_SIMD_FUNCTIONS.map((fn) => fn.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(
    WASM_SIMD_FUNCTIONS.map((fn) => [fn.name, fn] as const),
  )('%s matches its snapshot', async (name, fn) => {
    await expect(await snapshotText(fn)).toMatchFileSnapshot(
      new URL(`${name}.wat`, SNAPSHOTS).pathname,
    );
  });

  it('keeps no snapshot of a function that is gone', () => {
    const known = new Set(WASM_SIMD_FUNCTIONS.map((fn) => `${fn.name}.wat`));
    const stale = readdirSync(SNAPSHOTS).filter(
      (file) => file.endsWith('.wat') && !known.has(file),
    );
    expect(stale).toEqual([]);
  });
});
