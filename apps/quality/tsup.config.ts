import { appConfig } from '../../tsup.app';

export default appConfig(['src/cli.ts']);
