// Runs every public package's README example in-process against the workspace source, so the docs cannot rot.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  checkOutput,
  type PublicPackage,
  publicPackages,
  readExample,
} from './readme-example.test-support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'relora-readme-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The example sits outside the workspace, so third-party imports (`@tensorflow/tfjs-core`) are
 * pointed at the copy the package itself resolves: one tfjs instance, as in an installed project.
 * `@relora/*` imports go through the root config's aliases to each package's source.
 */
function resolveImports(code: string, pkg: PublicPackage): string {
  const require = createRequire(join(pkg.path, 'package.json'));
  return code.replace(
    /(from\s+|import\s*\(\s*|import\s+)(['"])([^'"]+)\2/g,
    (whole, head, quote, spec) => {
      if (spec.startsWith('@relora/') || spec.startsWith('node:') || spec.startsWith('.'))
        return whole;
      try {
        return `${head}${quote}${pathToFileURL(realpathSync(require.resolve(spec))).href}${quote}`;
      } catch {
        return whole;
      }
    },
  );
}

describe.each(publicPackages(ROOT))('$name README example', (pkg) => {
  it('runs and prints what its // expect: comments say', async () => {
    const example = readExample(pkg);
    const file = join(dir, `${pkg.dir}.ts`);
    writeFileSync(file, resolveImports(example.code, pkg));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
    try {
      await import(/* @vite-ignore */ pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    expect(checkOutput(lines.join('\n'), example.expectations), lines.join('\n')).toEqual([]);
  });
});
