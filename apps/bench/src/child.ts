// Child process entry: runs one bench case in a fresh process and prints its figures as JSON.
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

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
