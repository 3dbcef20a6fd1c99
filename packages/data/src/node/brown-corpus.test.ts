// Tests of reading the Brown corpus files: 500 documents, no tags left.
import { describe, expect, it } from 'vitest';
import { loadBrownDocuments } from './brown-corpus';

describe('loadBrownDocuments', () => {
  it('reads all 500 Brown files as plain text with no tags left', async () => {
    const docs = await loadBrownDocuments();
    expect(docs).toHaveLength(500);
    expect(docs[0]?.origin).toBe('ca01');
    expect(docs[499]?.origin).toBe('cr09');
    expect(
      docs[0]?.text.startsWith('The Fulton County Grand Jury said Friday an investigation of'),
    ).toBe(true);
    const bytes = docs.reduce((sum, doc) => sum + Buffer.byteLength(doc.text), 0);
    expect(bytes).toBeGreaterThan(5_500_000);
    expect(bytes).toBeLessThan(6_500_000);
    // Tagged, every word had a slash (~1.16M); what is left are real ones (and/or, 1/2, /r/).
    const slashes = docs.reduce((sum, doc) => sum + doc.text.split('/').length - 1, 0);
    expect(slashes).toBeLessThan(1000);
    for (const { text, origin } of docs) {
      // The commonest Brown tags, alone or with -tl/-hl; "and/or" and "1/2" are real words.
      const tag = text.match(
        /\S\/(?:at|nns?|np\$?|jj|vb[dngz]?|in|cc|cs|rb|md|ppss?|cd|dti?|ap|wdt|bedz|be[rz])(?:-tl|-hl)?(?=\s|$)/,
      );
      expect(tag, `${origin}: ${tag?.[0]}`).toBeNull();
      expect(text).not.toMatch(/``|''| [,.;:?!]( |$)/);
    }
  });
});
