// Plain text files or folders as a stream of documents.
import type { SourceDocument } from '../document-source';
import { listInputFiles, readLines } from './input-files';

/** Options of {@link textDocuments}. */
export interface TextSourceOptions {
  /**
   * What makes one document: a whole `file`, each `paragraph` (blank-line separated) or each
   * `line`. Default `file`; use `paragraph` or `line` for files too large to hold as one string.
   */
  split?: 'file' | 'paragraph' | 'line';
  /** File name endings read from a folder. Default `.txt`, `.txt.gz`. */
  extensions?: string[];
}

/** Defaults of {@link TextSourceOptions}. */
export const TEXT_SOURCE_DEFAULTS = { split: 'file', extensions: ['.txt', '.txt.gz'] } as const;

/** Documents of a text file or of every text file in a folder (sorted by path), read as streams. */
export async function* textDocuments(
  path: string,
  options: TextSourceOptions = {},
): AsyncGenerator<SourceDocument> {
  const split = options.split ?? TEXT_SOURCE_DEFAULTS.split;
  const files = await listInputFiles(
    path,
    options.extensions ?? [...TEXT_SOURCE_DEFAULTS.extensions],
  );
  for (const file of files) {
    let lines: string[] = [];
    let first = 1;
    let lineNumber = 0;
    for await (const line of readLines(file)) {
      lineNumber++;
      if (split === 'line') {
        if (line.trim() !== '') yield { text: line, origin: `${file}:${lineNumber}` };
      } else if (split === 'paragraph' && line.trim() === '') {
        if (lines.length > 0) yield { text: lines.join('\n'), origin: `${file}:${first}` };
        lines = [];
        first = lineNumber + 1;
      } else {
        lines.push(line);
      }
    }
    const text = lines.join('\n');
    if (text.trim() !== '') yield { text, origin: split === 'file' ? file : `${file}:${first}` };
  }
}
