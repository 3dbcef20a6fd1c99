import { libraryConfig } from '../../tsup.library';

// index: browser-safe; node: checkpoint directories on disk.
export default libraryConfig(['src/index.ts', 'src/node.ts']);
