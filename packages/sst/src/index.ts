// Public API of @relora/sst.

export type { SSTShape, SSTStateElements } from './analytical';
export { sstStateElements } from './analytical';
export type { SSTSampling } from './sampling';
export { sampleSpectrum } from './sampling';
export type { MomentReset, SSTState } from './sst';
export { applySST, SST } from './sst';
export type { SSTLinearOptions } from './sst-linear';
export { SSTLinear } from './sst-linear';
export type { ResolvedSSTOptions, SSTOptions } from './sst-options';
export { resolveSSTOptions, SST_DEFAULTS, SST_TARGETS } from './sst-options';
