// The Brown corpus's tagged text (`word/tag` tokens) turned back into plain, readable English.

/** Punctuation written against the word before it. */
const CLOSES = new Set([',', '.', ';', ':', '?', '!', ')', ']', "''", '%']);
/** Punctuation written against the word after it. */
const OPENS = new Set(['(', '[', '``', '$']);

/**
 * Plain text of one tagged Brown file: tags dropped, `` and '' back to ", no space before
 * closing punctuation or after opening punctuation, single quotes paired within a sentence,
 * one sentence per line.
 */
export function detokenizeBrown(tagged: string): string {
  const sentences: string[] = [];
  for (const line of tagged.split('\n')) {
    const words = line
      .split(/\s+/)
      .filter((token) => token.length > 0)
      .map(stripTag);
    if (words.length > 0) sentences.push(joinWords(words));
  }
  return sentences.join('\n');
}

/** `Atlanta's/np$` -> `Atlanta's`; a slash inside the word (`1/2/cd`) stays. */
function stripTag(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash > 0 ? token.slice(0, slash) : token;
}

function joinWords(words: string[]): string {
  let out = '';
  let glueNext = true;
  let singleOpen = false;
  let previous = '';
  for (const word of words) {
    let text = word;
    let glueBefore = CLOSES.has(word);
    let glueAfter = OPENS.has(word);
    if (word === '``' || word === "''") text = '"';
    if (word === "'") {
      // Brown writes single quotes as a bare ' both ways: alternate open, close.
      glueAfter = !singleOpen;
      glueBefore = singleOpen;
      singleOpen = !singleOpen;
    }
    // Brown splits the sentence's full stop off an abbreviation ("Jr. ."): write it once.
    if (word === '.' && previous.length > 1 && previous.endsWith('.')) continue;
    // Inches are written 10'' and then, oddly, followed by a lone '' tagged as a quote: drop it.
    if (word === "''" && previous.length > 2 && previous.endsWith("''")) continue;
    if (word.length > 2 && word.includes("''")) text = word.replaceAll("''", '"');
    out += glueNext || glueBefore ? text : ` ${text}`;
    glueNext = glueAfter;
    previous = word;
  }
  return out;
}

/** Documents of the Brown corpus from its files' tagged texts, in the order given (one per file). */
export function brownDocuments(taggedFiles: Iterable<string>): string[] {
  return Array.from(taggedFiles, detokenizeBrown).filter((text) => text.length > 0);
}
