import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe training loop; node: run directory and checkpoints on disk.
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    // Started by DataParallelGradients as a worker thread, from beside node.js.
    'data-parallel-worker': 'src/node/data-parallel-worker.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
