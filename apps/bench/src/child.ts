// Child process entry: runs one bench case in a fresh process and prints its figures as JSON.
import { releaseBackend } from '@relora/backend';
import { caseSpecSchema } from './case-schema';
import { RESULT_MARKER } from './protocol';
import { runCase } from './run-case';

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (!raw) throw new Error('relora-bench child: expected a JSON case spec as the first argument');
  const spec = caseSpecSchema.parse(JSON.parse(raw));
  const result = await runCase(spec, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

// A Dawn instance that is still referenced can keep the process alive (the webgpu package says
// so), and the parent would then wait for this child until the case timeout.
main().then(
  () => releaseBackend(),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    releaseBackend();
    process.exit(1);
  },
);
