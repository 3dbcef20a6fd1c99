import { libraryConfig } from '../../tsup.library';

// index: browser-safe; node: files and shards.
// shims: import.meta.url in the CJS build, where the Brown corpus files are resolved from.
export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' }, { shims: true });
