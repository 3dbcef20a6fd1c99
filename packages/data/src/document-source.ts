// What every text source yields: documents with a note of where each came from.

/** One document of a source. */
export interface SourceDocument {
  /** The document's text. */
  text: string;
  /** Where it came from, for errors: `file`, `file:line` or a corpus file name. */
  origin: string;
}

/** A stream of documents: read once, in a fixed order. */
export type DocumentSource = AsyncIterable<SourceDocument> | Iterable<SourceDocument>;
