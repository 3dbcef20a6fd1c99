import type { Options } from 'tsup';
import { appConfig } from '../../tsup.app';

// The builder only: esbuild stays external (it finds its native binary from its own package).
const config: Options = { ...(appConfig(['src/cli.ts']) as Options), external: ['esbuild'] };
export default config;
