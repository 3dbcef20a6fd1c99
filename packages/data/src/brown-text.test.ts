// Tests of turning tagged Brown text back into prose.
import { describe, expect, it } from 'vitest';
import { brownDocuments, detokenizeBrown } from './brown-text';

describe('detokenizeBrown', () => {
  it('drops tags and writes punctuation and quotes as in prose', () => {
    const tagged =
      "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, then/rb left/vbd (/( quickly/rb )/) ./.\n\n\n" +
      "\tHe/pps read/vbd '/' Met/np '/' again/rb ;/. Mr./np Allen/np Jr./np ./.\n";
    expect(detokenizeBrown(tagged)).toBe(
      'The jury said "no evidence", then left (quickly).\n' + "He read 'Met' again; Mr. Allen Jr.",
    );
  });

  it('keeps slashes inside words and skips empty files', () => {
    expect(detokenizeBrown('\tabout/rb 1/2/cd inch/nn ./.')).toBe('about 1/2 inch.');
    expect(detokenizeBrown("\tonly/rb 4'/nns 10''/nns ''/'' tall/jj")).toBe('only 4\' 10" tall');
    expect(brownDocuments(['\n\n', '\tA/at cat/nn ./.'])).toEqual(['A cat.']);
  });
});
