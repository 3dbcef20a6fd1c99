// Tiny Hugging Face tokenizer.json documents for tests (nothing can be downloaded).

const special = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** A word-level tokenizer: whitespace pre-tokenizer, six words, `<unk>` and `</s>`. */
export function wordLevelTokenizerJson(words = ['the', 'jury', 'said', 'it', '.']) {
  const vocab: Record<string, number> = { '<unk>': 0, '</s>': 1 };
  for (const word of words) vocab[word] = Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '</s>')],
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
  };
}

/** A byte-level BPE like GPT-2's: all 256 byte symbols, a few merges, and `<|endoftext|>`. */
export function byteBpeTokenizerJson() {
  const vocab: Record<string, number> = {};
  for (const symbol of byteSymbols()) vocab[symbol] = Object.keys(vocab).length;
  const merges = ['t h', 'th e', 'Ġ th', 'Ġth e', 'j u', 'ju r', 'jur y'];
  for (const merge of merges) vocab[merge.replace(' ', '')] = Object.keys(vocab).length;
  const eos = Object.keys(vocab).length;
  vocab['<|endoftext|>'] = eos;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(eos, '<|endoftext|>')],
    normalizer: null,
    pre_tokenizer: {
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/** GPT-2's printable stand-ins for the 256 bytes (bytes_to_unicode). */
function byteSymbols(): string[] {
  const printable = (b: number) =>
    (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let extra = 0;
  return Array.from({ length: 256 }, (_, b) =>
    String.fromCharCode(printable(b) ? b : 256 + extra++),
  );
}
