// Packs the public packages and builds fresh consumer projects (ESM, CJS, TS bundler, TS node16) outside the workspace.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { PublicPackage } from './readme-example.test-support';

/** The four ways a user consumes the packages. */
export type ProjectKind = 'esm' | 'cjs' | 'ts-bundler' | 'ts-node16';
export const PROJECT_KINDS: ProjectKind[] = ['esm', 'cjs', 'ts-bundler', 'ts-node16'];

/** Registry packages every consumer project installs next to the tarballs. */
export const REGISTRY_DEPENDENCIES: Record<string, string> = {
  '@tensorflow/tfjs-core': '4.22.0',
  // What users who want every op and gradient without @relora/backend install.
  '@tensorflow/tfjs': '4.22.0',
  typescript: '5.9.3',
  '@types/node': '^20.19.43',
};

const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** npm settings a consumer's npm may keep: where the registry is and how to reach it. */
const NPM_NETWORK =
  /^npm_config_(cache|cafile|registry|userconfig|globalconfig|noproxy|proxy|https_proxy|strict_ssl)$/i;

/**
 * The environment as a user's shell would have it: without the workspace's NODE_PATH (pnpm's bin
 * shims point it at the workspace's hoisted packages, which CommonJS `require` would then find),
 * its node_modules/.bin on PATH, NODE_OPTIONS, or the npm/vitest variables of this process.
 */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: 'true' };
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_PATH' || key === 'NODE_OPTIONS' || /^(VITEST|TSX|PNPM)/i.test(key)) continue;
    if (/^npm_/i.test(key) && !NPM_NETWORK.test(key)) continue;
    env[key] = value;
  }
  // npx/pnpm put the workspace's node_modules/.bin first on PATH; a user's shell has no such entry.
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('/node_modules/'))
    .join(':');
  return env;
}

/** Runs a command without a shell; never throws, reports the exit code (124 on timeout). */
export function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 300_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: consumerEnv() },
      (error, stdout, stderr) => {
        const code = error
          ? error.killed
            ? 124
            : typeof error.code === 'number'
              ? error.code
              : 1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The end of a command's output, for failure messages. */
export function tail(result: RunResult, chars = 4000): string {
  return `${result.stdout}\n${result.stderr}`.trim().slice(-chars);
}

/** `pnpm` when it is on the PATH, else the root's `packageManager` pnpm through npx (as the root scripts do). */
async function pnpmCommand(cwd: string): Promise<string[]> {
  if ((await run('pnpm', ['--version'], cwd, 60_000)).code === 0) return ['pnpm'];
  const root = JSON.parse(readFileSync(join(cwd, '..', '..', 'package.json'), 'utf8'));
  return ['npx', '-y', String(root.packageManager ?? 'pnpm@10')];
}

/** `pnpm pack`s each package into `dest` (rewriting `workspace:*` to versions); name -> tarball path. */
export async function packAll(
  packages: PublicPackage[],
  dest: string,
): Promise<Map<string, string>> {
  mkdirSync(dest, { recursive: true });
  const [pnpm, ...pnpmArgs] = await pnpmCommand(packages[0]?.path ?? dest);
  const tarballs = new Map<string, string>();
  for (const pkg of packages) {
    const before = new Set(readdirSync(dest));
    const args = [...pnpmArgs, 'pack', '--pack-destination', dest];
    const result = await run(pnpm!, args, pkg.path, 120_000);
    if (result.code !== 0) throw new Error(`pnpm pack ${pkg.name} failed:\n${tail(result)}`);
    const created = readdirSync(dest).find((file) => file.endsWith('.tgz') && !before.has(file));
    if (!created) throw new Error(`pnpm pack ${pkg.name} wrote no tarball into ${dest}`);
    tarballs.set(pkg.name, join(dest, created));
  }
  return tarballs;
}

const TSCONFIG_BASE = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  strict: true,
  skipLibCheck: false,
  outDir: 'out',
  rootDir: 'examples',
};

function projectFiles(kind: ProjectKind, dependencies: Record<string, string>) {
  const manifest = {
    name: `relora-consumer-${kind}`,
    private: true,
    version: '0.0.0',
    type: kind === 'cjs' ? 'commonjs' : 'module',
    dependencies,
  };
  const compilerOptions =
    kind === 'ts-bundler'
      ? { ...TSCONFIG_BASE, module: 'ESNext', moduleResolution: 'Bundler' }
      : { ...TSCONFIG_BASE, module: 'Node16', moduleResolution: 'Node16' };
  const tsconfig = kind.startsWith('ts-') ? { compilerOptions, include: ['examples'] } : null;
  return { manifest, tsconfig };
}

/**
 * Creates the four projects under `base`, installs the tarballs (and the registry dependencies)
 * with npm once in the first, and hard-link-copies that node_modules into the others.
 */
export async function createProjects(
  base: string,
  tarballs: Map<string, string>,
): Promise<Record<ProjectKind, string>> {
  const dependencies: Record<string, string> = { ...REGISTRY_DEPENDENCIES };
  for (const [name, file] of tarballs) dependencies[name] = `file:${file}`;
  const dirs = {} as Record<ProjectKind, string>;
  for (const kind of PROJECT_KINDS) {
    const dir = join(base, kind);
    mkdirSync(join(dir, 'examples'), { recursive: true });
    const { manifest, tsconfig } = projectFiles(kind, dependencies);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (tsconfig)
      writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    dirs[kind] = dir;
  }
  const first = dirs[PROJECT_KINDS[0]!];
  const install = await run('npm', NPM_INSTALL, first, 600_000);
  if (install.code !== 0) throw new Error(`npm install in ${first} failed:\n${tail(install)}`);
  for (const kind of PROJECT_KINDS.slice(1)) {
    // Same dependencies, so the same tree: hard links instead of three more installs.
    const copy = await run('cp', ['-al', join(first, 'node_modules'), dirs[kind]], base);
    if (copy.code !== 0)
      throw new Error(`copying node_modules into ${dirs[kind]} failed:\n${tail(copy)}`);
  }
  return dirs;
}

/** Installs the packaging linters into their own directory; returns the `.bin` path. */
export async function installTools(dir: string, tools: string[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const result = await run('npm', [...NPM_INSTALL, ...tools], dir, 600_000);
  if (result.code !== 0) throw new Error(`npm install ${tools.join(' ')} failed:\n${tail(result)}`);
  return join(dir, 'node_modules', '.bin');
}

/**
 * Turns a README example into a CommonJS script: imports stay at the top (TypeScript rewrites
 * them to `require`), the rest runs in an async function because CJS has no top-level await.
 */
export function toCommonJs(code: string): string {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const imports: string[] = [];
  const body: string[] = [];
  for (const statement of source.statements) {
    (ts.isImportDeclaration(statement) ? imports : body).push(statement.getFullText(source));
  }
  const wrapped = [
    ...imports,
    '\n(async () => {',
    ...body,
    '\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n',
  ].join('');
  return transpile(wrapped, ts.ModuleKind.CommonJS);
}

/** Strips types from a README example, keeping ES modules and top-level await. */
export function toEsm(code: string): string {
  return transpile(code, ts.ModuleKind.ESNext);
}

function transpile(code: string, module: ts.ModuleKind): string {
  return ts.transpileModule(code, {
    compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}
