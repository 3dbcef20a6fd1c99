// Shared by the CLI tests: a one-layer model config, the flags of a run that takes seconds, the
// CLI run in-process or in a child process, and its JSON lines read back.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Writes a 1-layer, d = 32 Hugging Face config.json into `dir`; returns its path. */
export function writeTinyModelConfig(dir: string): string {
  const path = join(dir, 'tiny-config.json');
  const config = {
    hidden_size: 32,
    intermediate_size: 64,
    num_attention_heads: 2,
    num_hidden_layers: 1,
    vocab_size: 258,
    max_position_embeddings: 64,
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Flags of a tiny wasm run on `modelConfig`, followed by `extra` (later flags win). */
export function tinyArgs(modelConfig: string, extra: string): string[] {
  return [
    '--model_config',
    modelConfig,
    ...`--backend wasm --batch_size 2 --max_length 16 --warmup_steps 2 ${extra}`
      .trim()
      .split(/\s+/),
  ];
}

/** Runs the CLI in this process (no signal handlers); its exit code and output lines. */
export async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { handleSignals: false },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A run directory's metrics.jsonl or eval.jsonl, one record per line. */
export function jsonl(path: string): Array<Record<string, number>> {
  // every field the tests read is a number
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/**
 * Starts the CLI from source in a child process, as a user runs it: node itself with the tsx
 * loader and the workspace's paths (like vitest, no build; the tsx binary would relay signals
 * through a parent process). `tmp`: a directory for the loader's tsconfig.json; `preload`:
 * modules imported before the CLI.
 */
export function spawnCli(
  args: readonly string[],
  {
    tmp,
    env = {},
    preload = [],
  }: { tmp: string; env?: Record<string, string>; preload?: string[] },
): ChildProcessWithoutNullStreams {
  const tsconfig = join(tmp, 'tsconfig.json');
  const paths = {
    '@relora/*/node': [`${repo}/packages/*/src/node.ts`],
    '@relora/*': [`${repo}/packages/*/src/index.ts`],
  };
  writeFileSync(
    tsconfig,
    JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', paths } }),
  );
  const imports = ['tsx', ...preload].flatMap((m) => ['--import', m]);
  return spawn(process.execPath, [...imports, join(repo, 'apps/pretrain/src/cli.ts'), ...args], {
    cwd: repo,
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as unknown as ChildProcessWithoutNullStreams;
}
