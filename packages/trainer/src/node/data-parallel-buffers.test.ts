// packShared lays named arrays back to back and reuses a buffer that is large enough.
import { describe, expect, it } from 'vitest';
import { packShared, sharedView } from './data-parallel-buffers';

describe('packShared', () => {
  it('lays arrays back to back and reuses the buffer while they fit', () => {
    const first = packShared([
      ['a', 3],
      ['b', 2],
    ]);
    expect(first.layout).toEqual([
      ['a', 0, 3],
      ['b', 3, 2],
    ]);
    expect(first.buffer.byteLength).toBe(5 * 4);
    sharedView(first.buffer, 3, 2).set([7, 8]);
    expect(Array.from(new Float32Array(first.buffer))).toEqual([0, 0, 0, 7, 8]);

    // Fewer floats (a frozen weight left the trainable set): the same buffer.
    const smaller = packShared([['b', 2]], first.buffer);
    expect(smaller.buffer).toBe(first.buffer);
    // More (LoRA factors added): a new one.
    const larger = packShared(
      [
        ['a', 3],
        ['b', 2],
        ['c', 4],
      ],
      first.buffer,
    );
    expect(larger.buffer).not.toBe(first.buffer);
    expect(larger.buffer.byteLength).toBe(9 * 4);
  });
});
