// Names a document source (Brown, text files, JSONL) in plain data and opens it.
import type { DocumentSource } from '../document-source';
import { loadBrownDocuments } from './brown-corpus';
import { JsonlSource, type JsonlSourceOptions } from './jsonl-source';
import { type TextSourceOptions, textDocuments } from './text-source';

/** A source of documents, as plain data (what a config file or CLI flags can say). */
export type SourceSpec =
  | { kind: 'brown' }
  | ({ kind: 'text'; path: string } & TextSourceOptions)
  | ({ kind: 'jsonl'; path: string } & JsonlSourceOptions);

/**
 * The documents of `spec`. `brown` is the embedded Brown corpus; `text` and `jsonl` stream
 * from a file or folder.
 */
export async function openSource(spec: SourceSpec): Promise<DocumentSource> {
  switch (spec.kind) {
    case 'brown':
      return loadBrownDocuments();
    case 'text':
      return textDocuments(spec.path, spec);
    case 'jsonl':
      return new JsonlSource(spec.path, spec);
    default:
      throw new Error(
        `unknown source kind ${JSON.stringify((spec as { kind: unknown }).kind)}; expected brown, text or jsonl`,
      );
  }
}
