// relora-pretokenize: the command-line entry (see pretokenize-cli.ts; `--help` lists the flags).
import { runPretokenizeCli } from './pretokenize-cli';

runPretokenizeCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
