// Tests of the text and JSONL sources, bad lines and missing or empty files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceDocument } from '../document-source';
import { BadLineError, JsonlSource } from './jsonl-source';
import { textDocuments } from './text-source';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relora-data-sources-'));
  await mkdir(join(dir, 'texts/sub'), { recursive: true });
  await writeFile(join(dir, 'texts/b.txt'), 'First paragraph\nstill first.\n\nSecond one.\n');
  await writeFile(join(dir, 'texts/sub/a.txt'), 'Nested file.');
  await writeFile(join(dir, 'texts/ignored.md'), 'not text input');
  await writeFile(
    join(dir, 'c4.jsonl'),
    `${JSON.stringify({ text: 'Doc one.', url: 'u' })}\n\n${JSON.stringify({ text: 'Doc two.' })}\n`,
  );
  await writeFile(
    join(dir, 'c4.json.gz'),
    gzipSync(`${JSON.stringify({ meta: { body: 'Zipped.' } })}\n`),
  );
  await writeFile(
    join(dir, 'bad.jsonl'),
    `${JSON.stringify({ text: 'ok' })}\n{not json\n${JSON.stringify({ title: 'x' })}\n${JSON.stringify({ text: 'ok too' })}\n`,
  );
  await writeFile(join(dir, 'empty.jsonl'), '');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function collect(source: AsyncIterable<SourceDocument>): Promise<SourceDocument[]> {
  const docs: SourceDocument[] = [];
  for await (const doc of source) docs.push(doc);
  return docs;
}

describe('textDocuments', () => {
  it('reads a folder recursively in path order, one document per file by default', async () => {
    const docs = await collect(textDocuments(join(dir, 'texts')));
    expect(docs.map((d) => d.text)).toEqual([
      'First paragraph\nstill first.\n\nSecond one.',
      'Nested file.',
    ]);
  });

  it('splits by paragraph or line, noting the line each starts on', async () => {
    const file = join(dir, 'texts/b.txt');
    const paragraphs = await collect(textDocuments(file, { split: 'paragraph' }));
    expect(paragraphs).toEqual([
      { text: 'First paragraph\nstill first.', origin: `${file}:1` },
      { text: 'Second one.', origin: `${file}:4` },
    ]);
    expect((await collect(textDocuments(file, { split: 'line' }))).map((d) => d.origin)).toEqual([
      `${file}:1`,
      `${file}:2`,
      `${file}:4`,
    ]);
  });

  it('names a missing path or an empty folder', async () => {
    await expect(collect(textDocuments(join(dir, 'nope.txt')))).rejects.toThrow(
      /input not found: .*nope\.txt/,
    );
    await mkdir(join(dir, 'none'), { recursive: true });
    await expect(collect(textDocuments(join(dir, 'none')))).rejects.toThrow(
      /no input files in folder/,
    );
  });
});

describe('JsonlSource', () => {
  it('reads the text field of each line, gzip included', async () => {
    expect((await collect(new JsonlSource(join(dir, 'c4.jsonl')))).map((d) => d.text)).toEqual([
      'Doc one.',
      'Doc two.',
    ]);
    const zipped = await collect(
      new JsonlSource(join(dir, 'c4.json.gz'), { textField: 'meta.body' }),
    );
    expect(zipped).toEqual([{ text: 'Zipped.', origin: `${join(dir, 'c4.json.gz')}:1` }]);
  });

  it('reports a bad line with its file and line number', async () => {
    const file = join(dir, 'bad.jsonl');
    await expect(collect(new JsonlSource(file))).rejects.toThrow(`${file}:2: not valid JSON`);
    const third = new JsonlSource(file, { textField: 'text' });
    await expect(collect(third)).rejects.toThrow(BadLineError);
  });

  it('counts and skips bad lines with skipBadLines', async () => {
    const file = join(dir, 'bad.jsonl');
    const source = new JsonlSource(file, { skipBadLines: true });
    expect((await collect(source)).map((d) => d.text)).toEqual(['ok', 'ok too']);
    expect(source.skipped).toBe(2);
    expect(source.badLines.map((b) => [b.line, b.reason.split(' (')[0]])).toEqual([
      [2, 'not valid JSON'],
      [3, 'field "text" is missing'],
    ]);
  });

  it('refuses invalid UTF-8 with its line number unless skipping bad lines', async () => {
    const file = join(dir, 'latin1.jsonl');
    const bad = Buffer.from('{"text":"caf\xe9"}\n', 'latin1');
    await writeFile(file, Buffer.concat([Buffer.from('{"text":"ok"}\r\n'), bad]));
    await expect(collect(new JsonlSource(file))).rejects.toThrow(`${file}:2: not valid UTF-8`);
    const source = new JsonlSource(file, { skipBadLines: true });
    expect((await collect(source)).map((d) => d.text)).toEqual(['ok']);
    expect(source.skipped).toBe(1);
  });

  it('refuses an empty file', async () => {
    await expect(collect(new JsonlSource(join(dir, 'empty.jsonl')))).rejects.toThrow(
      /input file is empty: .*empty\.jsonl/,
    );
  });
});
