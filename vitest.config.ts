// One vitest run over every package: workspace imports resolve to source, so tests need no rebuild.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages', import.meta.url));
// `@relora/x/node` maps to the package's Node entry; `@relora/x` to its main entry.
const alias = [
  { find: /^@relora\/([^/]+)\/node$/, replacement: `${packagesDir}/$1/src/node.ts` },
  ...readdirSync(packagesDir).map((name) => ({
    find: new RegExp(`^@relora/${name}$`),
    replacement: `${packagesDir}/${name}/src/index.ts`,
  })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/*/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
