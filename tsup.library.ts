// The build every library package shares: ESM and CommonJS with type declarations, ES2022.
import { defineConfig, type Options } from 'tsup';

/** A package's tsup config: its entry points, plus any option it needs beyond the shared ones. */
export function libraryConfig(entry: Options['entry'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    ...extra,
  });
}
