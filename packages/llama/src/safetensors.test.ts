// Tests of the safetensors byte format: layout, round trips, float conversions and rejection of bad files.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors';
import { float16ToNumber, floatBytesToFloat32 } from './safetensors-dtypes';

function f32(values: number[], shape: number[]): SafetensorsTensor {
  return { dtype: 'F32', shape, data: new Uint8Array(new Float32Array(values).buffer) };
}

/** A file built by hand: header JSON (unpadded) then data. */
function rawFile(header: unknown, data: Uint8Array, declaredLength?: number): Uint8Array {
  return textFile(JSON.stringify(header), data, declaredLength);
}

/** A file whose header is `text` as written (JSON.stringify cannot repeat a key). */
function textFile(text: string, data: Uint8Array, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const twoTensors = (): Array<[string, SafetensorsTensor]> => [
  ['b', f32([1, 2, 3, 4, 5, 6], [2, 3])],
  ['a', f32([7], [])],
];

describe('safetensors format', () => {
  it('writes the reference layout: u64 length, padded compact JSON, sorted data', () => {
    const bytes = encodeSafetensors(twoTensors(), { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},' +
        '"b":{"dtype":"F32","shape":[2,3],"data_offsets":[4,28]}}',
    );
    expect(bytes.byteLength).toBe(8 + headerLength + 28);
    expect(new Float32Array(bytes.slice(8 + headerLength).buffer)).toEqual(
      new Float32Array([7, 1, 2, 3, 4, 5, 6]),
    );
  });

  it('decodes what it encodes and re-encodes byte-identically', () => {
    const bytes = encodeSafetensors(twoTensors(), { format: 'pt', note: 'x' });
    const file = decodeSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt', note: 'x' });
    expect([...file.tensors.keys()]).toEqual(['a', 'b']);
    const b = file.tensors.get('b') as SafetensorsTensor;
    expect(b.shape).toEqual([2, 3]);
    expect(Array.from(floatBytesToFloat32(b.dtype, b.data))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(encodeSafetensors(file.tensors, file.metadata)).toEqual(bytes);
  });

  it('keeps integer-like names where the data order puts them', () => {
    const bytes = encodeSafetensors([
      ['x', f32([1], [1])],
      ['10', f32([2], [1])],
    ]);
    expect([...decodeSafetensors(bytes).tensors.keys()]).toEqual(['10', 'x']);
  });

  it('converts F16 and BF16 exactly', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00].map(float16ToNumber)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      Infinity,
    ]);
    const half = new Uint8Array(new Uint16Array([0x3c00, 0x3555]).buffer);
    expect(Array.from(floatBytesToFloat32('F16', half))).toEqual([1, Math.fround(0.333251953125)]);
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0xc040, 0x3eab]).buffer);
    expect(Array.from(floatBytesToFloat32('BF16', bf))).toEqual([1, -3, Math.fround(0.333984375)]);
  });

  it('reads F32 data at an unaligned offset', () => {
    const data = new Uint8Array(5 + 4);
    new DataView(data.buffer).setFloat32(5, 2.5, true);
    const file = decodeSafetensors(
      rawFile(
        {
          pad: { dtype: 'U8', shape: [5], data_offsets: [0, 5] },
          w: { dtype: 'F32', shape: [1], data_offsets: [5, 9] },
        },
        data,
      ),
    );
    const w = file.tensors.get('w') as SafetensorsTensor;
    expect(Array.from(floatBytesToFloat32(w.dtype, w.data))).toEqual([2.5]);
  });

  const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const data8 = new Uint8Array(8);
  it.each([
    ['a file shorter than 8 bytes', new Uint8Array(5), /shorter than the 8-byte/],
    ['a header length past the end', rawFile(good, data8, 10_000), /header length 10000 exceeds/],
    ['a huge header length', rawFile(good, data8, 2 ** 40), /exceeds/],
    [
      'a truncated file',
      rawFile(good, data8).subarray(0, 8 + JSON.stringify(good).length + 5),
      /outside the 5-byte data section/,
    ],
    ['a non-JSON header', rawFile('not json', data8), /JSON object/],
    [
      'offsets out of bounds',
      rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 16] } }, data8),
      /outside/,
    ],
    [
      'an unknown dtype',
      rawFile({ w: { dtype: 'F12', shape: [2], data_offsets: [0, 8] } }, data8),
      /unknown dtype "F12"/,
    ],
    [
      'shape and bytes that disagree',
      rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data8),
      /needs 12 bytes, offsets span 8/,
    ],
    [
      'overlapping tensors',
      rawFile(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        data8,
      ),
      /contiguous/,
    ],
    [
      'a gap before the first tensor',
      rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8),
      /starts at byte 4, expected 0/,
    ],
    [
      'trailing data',
      rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, data8),
      /cover 4 of the 8/,
    ],
    [
      'a negative dimension',
      rawFile({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data8),
      /bad dimension/,
    ],
    [
      'non-string metadata',
      rawFile({ __metadata__: { a: 1 }, ...good }, data8),
      /__metadata__.a is not a string/,
    ],
    [
      'a duplicate tensor name',
      textFile(`{"w":${JSON.stringify(good.w)},"w":${JSON.stringify(good.w)}}`, data8),
      /the header has the key "w" more than once/,
    ],
    [
      'a duplicate __metadata__',
      textFile(`{"__metadata__":{},"__metadata__":{"a":"b"},"w":${JSON.stringify(good.w)}}`, data8),
      /the header has the key "__metadata__" more than once/,
    ],
    [
      'a duplicate metadata key',
      textFile(
        `{"__metadata__":{"a":"1","b":"x,\\"a\\"","a":"2"},"w":${JSON.stringify(good.w)}}`,
        data8,
      ),
      /__metadata__ has the key "a" more than once/,
    ],
    [
      'a duplicate field of a tensor',
      textFile('{"w":{"dtype":"F32","shape":[2],"dtype":"F32","data_offsets":[0,8]}}', data8),
      /tensor 'w' has the key "dtype" more than once/,
    ],
    [
      'a __proto__ metadata key',
      textFile(`{"__metadata__":{"__proto__":"x"},"w":${JSON.stringify(good.w)}}`, data8),
      /__metadata__ has the key "__proto__"/,
    ],
    [
      'an escaped __proto__ metadata key',
      textFile(`{"__metadata__":{"\\u005f_proto__":"x"},"w":${JSON.stringify(good.w)}}`, data8),
      /__metadata__ has the key "__proto__"/,
    ],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => decodeSafetensors(bytes as Uint8Array)).toThrow(message as RegExp);
  });
});
