// JSONL files (the C4 layout: one JSON object per line with a text field) as a stream of documents.
import type { SourceDocument } from '../document-source';
import { listInputFiles, readByteLines } from './input-files';

/** Options of {@link JsonlSource}. */
export interface JsonlSourceOptions {
  /** Field holding the text (a dotted path such as `meta.text` reaches nested fields). Default `text`. */
  textField?: string;
  /** Skip and count lines that are not JSON or lack the field, instead of throwing. Default false. */
  skipBadLines?: boolean;
  /** File name endings read from a folder. Default `.jsonl`, `.json`, `.jsonl.gz`, `.json.gz`. */
  extensions?: string[];
}

/** Defaults of {@link JsonlSourceOptions}. */
export const JSONL_SOURCE_DEFAULTS = {
  textField: 'text',
  skipBadLines: false,
  extensions: ['.jsonl', '.json', '.jsonl.gz', '.json.gz'],
} as const;

/** A bad line: where it is and what is wrong with it. */
export interface BadLine {
  file: string;
  line: number;
  reason: string;
}

/** A bad JSONL line (not UTF-8, not JSON, or without the text field): `file:line: reason`. */
export class BadLineError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'BadLineError';
  }
}

/**
 * Documents of a JSONL file, or of every JSONL file in a folder (sorted by path), streamed line by
 * line (gzip too). A bad line (invalid UTF-8 included) throws a {@link BadLineError}
 * `file:line: reason`, or with `skipBadLines` is counted in
 * `skipped` (the first ten kept in `badLines`). Blank lines are ignored; empty texts are skipped.
 */
export class JsonlSource implements AsyncIterable<SourceDocument> {
  /** Bad lines skipped so far. */
  skipped = 0;
  readonly badLines: BadLine[] = [];
  private readonly field: string[];

  constructor(
    readonly path: string,
    private readonly options: JsonlSourceOptions = {},
  ) {
    this.field = (options.textField ?? JSONL_SOURCE_DEFAULTS.textField).split('.');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SourceDocument> {
    const extensions = this.options.extensions ?? [...JSONL_SOURCE_DEFAULTS.extensions];
    for (const file of await listInputFiles(this.path, extensions)) {
      let line = 0;
      const decoder = new TextDecoder('utf-8', { fatal: true });
      for await (const bytes of readByteLines(file)) {
        line++;
        let raw: string;
        try {
          raw = decoder.decode(bytes);
        } catch {
          this.bad(file, line, 'not valid UTF-8');
          continue;
        }
        if (raw.trim() === '') continue;
        const text = this.textOf(raw, file, line);
        if (text !== undefined && text !== '') yield { text, origin: `${file}:${line}` };
      }
    }
  }

  private textOf(raw: string, file: string, line: number): string | undefined {
    let value: unknown;
    let reason: string | undefined;
    try {
      value = JSON.parse(raw);
      for (const key of this.field) {
        value =
          typeof value === 'object' && value !== null
            ? (value as Record<string, unknown>)[key]
            : undefined;
      }
      if (typeof value !== 'string') {
        reason = `field "${this.field.join('.')}" is ${value === undefined ? 'missing' : `a ${typeof value}, not a string`}`;
      }
    } catch (error) {
      reason = `not valid JSON (${(error as Error).message})`;
    }
    if (reason === undefined) return value as string;
    this.bad(file, line, reason);
    return undefined;
  }

  /** Throws a {@link BadLineError}, or counts the line with `skipBadLines`. */
  private bad(file: string, line: number, reason: string): void {
    if (!(this.options.skipBadLines ?? JSONL_SOURCE_DEFAULTS.skipBadLines))
      throw new BadLineError(file, line, reason);
    this.skipped++;
    if (this.badLines.length < 10) this.badLines.push({ file, line, reason });
  }
}
