// Vite build of the ReLoRA web demo; a plugin bundles a slice of the Brown corpus read at build time.
import { defineConfig } from 'vite';
import { brownSlice } from './brown-slice-plugin';

export default defineConfig({
  // Relative URLs, so dist/ works from any path (a static host, a file server in the test).
  base: './',
  plugins: [brownSlice()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
