// The archive's relora-bench: webgpu by default and a one-line stop without an adapter, then the
// app itself. Its child entry (child.js) is bundled beside this file, where the runner looks.
import { preflight } from './preflight';

await preflight('relora-bench');
await import('relora-bench/src/cli');
