// The archive's relora-pretrain: webgpu by default and a one-line stop without an adapter, then the app.
import { preflight } from './preflight';

await preflight('relora-pretrain');
await import('relora-pretrain/src/cli');
