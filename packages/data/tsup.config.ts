import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe; node: files and shards; cli: the relora-pretokenize binary.
  entry: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/node/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' } },
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'es2022',
});
