import { libraryConfig } from '../../tsup.library';

// index: browser-safe; node: safetensors files on disk.
export default libraryConfig(['src/index.ts', 'src/node.ts']);
