// Finds each public package, extracts its README example and checks an example's output against it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A public workspace package: where it lives and what npm calls it. */
export interface PublicPackage {
  /** Directory name under `packages/`, e.g. `lora`. */
  dir: string;
  /** Absolute path of the package directory. */
  path: string;
  /** npm name, e.g. `@relora/lora`. */
  name: string;
  version: string;
}

/** The runnable example of a README: the first ```ts fenced block, and what its output must show. */
export interface ReadmeExample {
  code: string;
  /** One per `// expect: ...` comment, in source order. */
  expectations: Expectation[];
}

/** `// expect: TEXT` matches a stdout line equal to TEXT; `// expect: /RE/` one matching RE. */
export type Expectation = { kind: 'line'; text: string } | { kind: 'regex'; pattern: RegExp };

/** Every package under `packages/` whose package.json is not private, sorted by directory. */
export function publicPackages(root: string): PublicPackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((dir) => ({ dir, path: join(packagesDir, dir) }))
    .filter(({ path }) => existsSync(join(path, 'package.json')))
    .map(({ dir, path }) => {
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      return {
        dir,
        path,
        name: manifest.name,
        version: manifest.version,
        private: manifest.private,
      };
    })
    .filter((pkg) => pkg.private !== true)
    .map(({ dir, path, name, version }) => ({ dir, path, name, version }));
}

const FENCE = /^```ts[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/m;
const EXPECT = /\/\/\s*expect:\s*(.+?)\s*$/;

/** Extracts the first ```ts block of a README; null when there is none. */
export function extractExample(readme: string): ReadmeExample | null {
  const match = FENCE.exec(readme);
  if (!match) return null;
  const code = match[1]!;
  const expectations: Expectation[] = [];
  for (const line of code.split('\n')) {
    const found = EXPECT.exec(line);
    if (!found) continue;
    const text = found[1]!;
    const regex = /^\/(.+)\/([a-z]*)$/.exec(text);
    expectations.push(
      regex ? { kind: 'regex', pattern: new RegExp(regex[1]!, regex[2]) } : { kind: 'line', text },
    );
  }
  return { code, expectations };
}

/** Reads and extracts a package's README example, throwing a clear error when it has none. */
export function readExample(pkg: PublicPackage): ReadmeExample {
  const readmePath = join(pkg.path, 'README.md');
  if (!existsSync(readmePath)) throw new Error(`${pkg.name}: no README.md at ${readmePath}`);
  const example = extractExample(readFileSync(readmePath, 'utf8'));
  if (!example) {
    throw new Error(`${pkg.name}: README.md has no \`\`\`ts block (the runnable example)`);
  }
  return example;
}

/**
 * Checks stdout against the expectations, in order: each must match a line after the line the
 * previous one matched. Returns what failed (empty when all matched).
 */
export function checkOutput(stdout: string, expectations: Expectation[]): string[] {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim());
  const failures: string[] = [];
  let from = 0;
  for (const expectation of expectations) {
    const index = lines.findIndex(
      (line, i) =>
        i >= from &&
        (expectation.kind === 'line' ? line === expectation.text : expectation.pattern.test(line)),
    );
    if (index < 0) {
      const wanted = expectation.kind === 'line' ? expectation.text : String(expectation.pattern);
      failures.push(
        `expected a line ${expectation.kind === 'line' ? 'equal to' : 'matching'} ${JSON.stringify(wanted)} after line ${from}`,
      );
    } else {
      from = index + 1;
    }
  }
  return failures;
}
