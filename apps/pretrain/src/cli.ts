// relora-pretrain: the command-line entry (see main.ts; `relora-pretrain --help` lists every option).
import { main } from './main';

const tty = process.stderr.isTTY ? process.stderr : undefined;
main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  ...(tty ? { tty } : {}),
}).then((code) => {
  process.exitCode = code;
});
