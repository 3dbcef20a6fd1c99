// Installs the packed packages into fresh ESM, CJS and TypeScript projects and runs every README example there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjects,
  installTools,
  PROJECT_KINDS,
  type ProjectKind,
  packAll,
  type RunResult,
  run,
  tail,
  toCommonJs,
  toEsm,
} from './consumer-projects.test-support';
import {
  checkOutput,
  type PublicPackage,
  publicPackages,
  readExample,
} from './readme-example.test-support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOOLS = ['publint@0.3', '@arethetypeswrong/cli@0.18'];
const packages = publicPackages(ROOT);

let base = '';
let bin = '';
let tarballs = new Map<string, string>();
let dirs = {} as Record<ProjectKind, string>;
/** tsc output of each TypeScript project, checked once for all examples. */
const typecheck = new Map<ProjectKind, RunResult>();

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'relora-consumers-'));
  tarballs = await packAll(packages, join(base, 'tarballs'));
  [dirs, bin] = await Promise.all([
    createProjects(join(base, 'projects'), tarballs),
    installTools(join(base, 'tools'), TOOLS),
  ]);
  for (const pkg of packages) writeExample(pkg);
  for (const kind of PROJECT_KINDS.filter((k) => k.startsWith('ts-'))) {
    typecheck.set(kind, await run('npx', ['tsc', '-p', '.', '--pretty', 'false'], dirs[kind]));
  }
}, 900_000);

afterAll(() => {
  if (base && !process.env.KEEP_CONSUMERS) rmSync(base, { recursive: true, force: true });
});

/** Writes a package's example into every project, in the form that project consumes. */
function writeExample(pkg: PublicPackage): void {
  let code: string;
  try {
    code = readExample(pkg).code;
  } catch {
    return; // the example test reports the missing example
  }
  writeFileSync(join(dirs.esm, 'examples', `${pkg.dir}.mjs`), toEsm(code));
  writeFileSync(join(dirs.cjs, 'examples', `${pkg.dir}.cjs`), toCommonJs(code));
  writeFileSync(join(dirs['ts-bundler'], 'examples', `${pkg.dir}.ts`), code);
  writeFileSync(join(dirs['ts-node16'], 'examples', `${pkg.dir}.ts`), code);
}

/**
 * tsc errors that concern this package: in its example or its own declaration files, plus any
 * outside node_modules (a broken project). Third-party declarations are not ours to fix
 * (tfjs-layers' do not pass `strict` with `skipLibCheck: false`).
 */
function typeErrors(kind: ProjectKind, pkg: PublicPackage): string[] {
  const result = typecheck.get(kind);
  if (!result) return [];
  const own = [`examples/${pkg.dir}.ts(`, `node_modules/${pkg.name}/`];
  const lines = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((l) => /error TS\d+/.test(l));
  const project = lines.filter((l) => !l.startsWith('examples/') && !l.startsWith('node_modules/'));
  return [...lines.filter((l) => own.some((prefix) => l.startsWith(prefix))), ...project];
}

function scriptFor(kind: ProjectKind, pkg: PublicPackage): string {
  if (kind === 'esm') return `examples/${pkg.dir}.mjs`;
  if (kind === 'cjs') return `examples/${pkg.dir}.cjs`;
  return `out/${pkg.dir}.js`;
}

describe.each(packages)('$name', (pkg) => {
  it('passes publint --strict', async () => {
    const tarball = tarballs.get(pkg.name)!;
    const result = await run(join(bin, 'publint'), ['run', tarball, '--strict'], base);
    expect(result.code, tail(result)).toBe(0);
  });

  it('passes @arethetypeswrong/cli', async () => {
    const tarball = tarballs.get(pkg.name)!;
    // node16 profile: node10 resolution ignores `exports`, so `./node` subpaths cannot resolve there
    const args = [tarball, '--profile', 'node16', '--format', 'ascii'];
    const result = await run(join(bin, 'attw'), args, base);
    expect(result.code, tail(result)).toBe(0);
  });

  it.each(PROJECT_KINDS)('runs its README example in the %s project', async (kind) => {
    const example = readExample(pkg);
    expect(typeErrors(kind, pkg), `tsc in the ${kind} project`).toEqual([]);
    const result = await run('node', [scriptFor(kind, pkg)], dirs[kind], 180_000);
    expect(result.code, tail(result)).toBe(0);
    expect(checkOutput(result.stdout, example.expectations), result.stdout.slice(-4000)).toEqual(
      [],
    );
  });
});
