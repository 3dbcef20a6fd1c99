// Node-only test support (the main entry stays browser-safe).

export { treeSnapshot } from './tree-snapshot';
