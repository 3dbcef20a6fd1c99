// The build every app binary shares: one ESM bundle per entry for Node 20, runnable as a `bin`.
import { defineConfig, type Options } from 'tsup';

/** An app's tsup config: its entry points (each becomes dist/<name>.js with a node shebang). */
export function appConfig(entry: Options['entry']) {
  return defineConfig({
    entry,
    format: ['esm'],
    clean: true,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  });
}
