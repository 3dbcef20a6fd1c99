// Vite build of the ReLoRA web demo; a plugin bundles a slice of the Brown corpus read at build time.
import { defineConfig } from 'vite';
import { brownSlice } from './brown-slice-plugin.ts';
import { noNodeBuiltins } from './no-node-builtins-plugin.ts';

export default defineConfig({
  // Relative URLs, so dist/ works from any path (a static host, a file server in the test).
  base: './',
  plugins: [noNodeBuiltins(), brownSlice()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
