// Vite plugin: fails the build when the page's or the @relora packages' code imports a Node built-in (fs, path, ...).
import { isBuiltin } from 'node:module';
import type { Plugin } from 'vite';

/**
 * The libraries' main entries must bundle for browsers without polyfills (Node-only code lives in
 * their `/node` entries); this turns a stray `node:fs` import into a build error naming the importer.
 */
export function noNodeBuiltins(): Plugin {
  return {
    name: 'relora-no-node-builtins',
    enforce: 'pre',
    apply: 'build',
    resolveId(id, importer) {
      // Third-party code (tfjs' emscripten glue, seedrandom) guards its own Node paths.
      if (importer && !importer.includes('/node_modules/') && isBuiltin(id)) {
        this.error(`${importer} imports the Node built-in '${id}': browser code must not`);
      }
      return undefined;
    },
  };
}
