import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe training loop; node: run directory and checkpoints on disk.
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
