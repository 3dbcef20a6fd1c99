// relora-gpu-bundle: builds relora-gpu-linux-x64.tar.gz, the archive that runs relora-bench and
// relora-pretrain on a linux-x64 GPU host with nothing installed (README.md).
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packArchive } from './archive';
import { copyAssets } from './assets';
import { bundleApps } from './bundle-apps';
import { LAUNCHERS } from './launcher';
import { ARCHIVE_NAME, IN_ARCHIVE, MAX_ARCHIVE_BYTES, REPO, TOP } from './layout';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const log = (line: string) => process.stderr.write(`relora-gpu-bundle: ${line}\n`);

/** Fills `root` (the archive's top folder) with the bundles, the files they need and the launchers. */
async function stageFolder(root: string): Promise<void> {
  let t = Date.now();
  const seconds = () => ((Date.now() - t) / 1000).toFixed(1);
  for (const warning of await bundleApps(join(root, IN_ARCHIVE.app))) log(`esbuild: ${warning}`);
  log(`bundled bench, child, pretrain, data-parallel-worker, webgpu-probe (${seconds()} s)`);
  t = Date.now();
  for (const note of copyAssets(root)) log(note);
  for (const [name, script] of Object.entries(LAUNCHERS)) {
    writeFileSync(join(root, name), script);
    chmodSync(join(root, name), 0o755);
  }
  log(`copied node, dawn.node, wasm, the Brown corpus, launchers (${seconds()} s)`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.some((a) => a === '-h' || a === '--help')) {
    process.stdout.write(
      `usage: relora-gpu-bundle [--out-dir <dir>]  (default apps/gpu-bundle/dist): writes ${ARCHIVE_NAME}\n`,
    );
    return 0;
  }
  const outAt = args.indexOf('--out-dir');
  if (outAt >= 0 && !args[outAt + 1]) {
    log('--out-dir needs a folder');
    return 2;
  }
  const outDir = resolve(outAt >= 0 ? args[outAt + 1]! : join(REPO, 'apps/gpu-bundle/dist'));
  const archive = join(outDir, ARCHIVE_NAME);
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  // A staging folder of its own: nothing already in --out-dir is touched but the archive.
  const stage = mkdtempSync(join(outDir, '.relora-gpu-stage-'));
  try {
    await stageFolder(join(stage, TOP));
    const t = Date.now();
    const partial = join(stage, ARCHIVE_NAME);
    const size = packArchive(stage, TOP, partial);
    log(`packed (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    if (size > MAX_ARCHIVE_BYTES) {
      log(
        `${ARCHIVE_NAME} would be ${mb(size)}, over the ${mb(MAX_ARCHIVE_BYTES)} limit; not written`,
      );
      return 1;
    }
    renameSync(partial, archive);
    const total = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${archive} (${mb(size)} compressed, built in ${total} s)\n`);
    return 0;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
