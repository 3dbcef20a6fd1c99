#!/usr/bin/env node
// Entry of the relora-pretokenize binary.
import { runPretokenizeCli } from './pretokenize-cli';

runPretokenizeCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
