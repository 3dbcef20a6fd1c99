import { libraryConfig } from '../../tsup.library';

// import.meta.url in the CJS build: the threaded wasm loader resolves tfjs-backend-wasm's files from it.
export default libraryConfig(['src/index.ts'], { shims: true });
