import { defineConfig } from 'tsup';

export default defineConfig({
  // child.js runs one case per process; the CLI spawns it from the same folder.
  entry: ['src/cli.ts', 'src/child.ts'],
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
