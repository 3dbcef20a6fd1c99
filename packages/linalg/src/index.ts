// Public API of @relora/linalg.

export { choleskyUpper, invertUpper, orthonormalize } from './cholesky-qr';
export type { SymmetricEigen } from './jacobi-eigen';
export { symmetricEigen } from './jacobi-eigen';
export type { DenseSvd } from './jacobi-svd';
export { jacobiSvd } from './jacobi-svd';
export type { TruncatedSvd, TruncatedSvdOptions } from './truncated-svd';
export { TRUNCATED_SVD_DEFAULTS, truncatedSvd } from './truncated-svd';
