import { appConfig } from '../../tsup.app';

// child.js runs one case per process; the CLI spawns it from the same folder.
export default appConfig(['src/cli.ts', 'src/child.ts']);
