// The launchers run a stand-in for the bundled node (a script that prints what it was given) from
// a folder reached by a relative path, with a PATH that holds nothing.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAUNCHERS } from './launcher';
import { IN_ARCHIVE } from './layout';

const dir = mkdtempSync(join(tmpdir(), 'relora-gpu-launcher-'));
const top = join(dir, 'relora-gpu');
const emptyBin = join(dir, 'empty-bin');
mkdirSync(emptyBin);
mkdirSync(join(top, 'node/bin'), { recursive: true });
writeFileSync(
  join(top, IN_ARCHIVE.node),
  '#!/bin/sh\nprintf "LD_LIBRARY_PATH=%s\\n" "$LD_LIBRARY_PATH"\nfor a in "$@"; do printf "%s\\n" "$a"; done\n',
);
chmodSync(join(top, IN_ARCHIVE.node), 0o755);
mkdirSync(join(top, 'lib/vulkan'), { recursive: true });
writeFileSync(join(top, IN_ARCHIVE.vulkanLoader), '');
for (const [name, script] of Object.entries(LAUNCHERS)) {
  writeFileSync(join(top, name), script);
  chmodSync(join(top, name), 0o755);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function launch(name: string, args: string[], env: Record<string, string> = {}): string[] {
  const run = spawnSync(`relora-gpu/${name}`, args, {
    cwd: dir,
    env: { PATH: emptyBin, ...env },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trimEnd().split('\n');
}

describe('launchers', () => {
  it('run the bundled node on their app with the arguments as given, with no PATH', () => {
    const [, app, ...args] = launch('bench', ['--quick', 'two words'], {
      RELORA_GPU_SYSTEM_VULKAN: '1',
    });
    expect(app).toBe(join(top, IN_ARCHIVE.app, 'bench.js'));
    expect(args).toEqual(['--quick', 'two words']);
    expect(launch('pretrain', [], { RELORA_GPU_SYSTEM_VULKAN: '1' })[1]).toBe(
      join(top, IN_ARCHIVE.app, 'pretrain.js'),
    );
  });

  it('put the bundled Vulkan loader first only when asked or when the host has none', () => {
    const [system] = launch('bench', [], { RELORA_GPU_SYSTEM_VULKAN: '1' });
    expect(system).toBe('LD_LIBRARY_PATH=');
    const [bundled] = launch('bench', [], {
      RELORA_GPU_BUNDLED_VULKAN: '1',
      LD_LIBRARY_PATH: '/opt/x',
    });
    expect(bundled).toBe(`LD_LIBRARY_PATH=${join(top, 'lib/vulkan')}:/opt/x`);
  });
});
