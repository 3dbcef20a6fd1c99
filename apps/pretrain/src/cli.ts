// relora-pretrain: the command-line entry (see main.ts; `relora-pretrain --help` lists every option).
import { releaseBackend } from '@relora/backend';
import { main } from './main';

const tty = process.stderr.isTTY ? process.stderr : undefined;
main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  ...(tty ? { tty } : {}),
})
  .then((code) => {
    process.exitCode = code;
  })
  // Whatever ended the run (done, failed, stopped by a signal): a Dawn instance still referenced
  // can keep the process alive after a webgpu run (the webgpu package says so).
  .finally(() => releaseBackend());
