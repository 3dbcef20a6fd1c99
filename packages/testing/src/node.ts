// Node-only test support (the main entry stays browser-safe).

export {
  compareWithReference,
  type ReferenceModel,
  type ReferenceOutputs,
  readReferenceOutputs,
} from './reference-outputs';
export { treeSnapshot } from './tree-snapshot';
