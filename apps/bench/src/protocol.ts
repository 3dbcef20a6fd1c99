// How a child process hands its result back: one stdout line behind a marker.

/** Prefix of the one stdout line that carries a child's JSON result (tfjs may print to stdout too). */
export const RESULT_MARKER = '@@relora-bench-result@@ ';

/** Finds and parses the result line in a child's stdout; null when there is none. */
export function parseResultLine(stdout: string): unknown | null {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  return line === undefined ? null : JSON.parse(line.slice(RESULT_MARKER.length));
}
