import { describe, expect, it } from 'vitest';
import { Locals } from './locals';
import { T } from './simd-module';

describe('Locals', () => {
  it('numbers parameters first, then locals in the order declared', () => {
    const slots = new Locals();
    const [a, b] = slots.params('a', 'b');
    const c = slots.paramRun('c', 2, T.f32);
    const i = slots.i32('i');
    const acc = slots.v128Run('acc', 3);
    const r = slots.f32('r');
    expect([a, b, c, i, acc, r]).toEqual([0, 1, 2, 4, 5, 8]);
    expect(slots.function('f', [])).toEqual({
      name: 'f',
      params: [T.i32, T.i32, T.f32, T.f32],
      locals: [T.i32, T.v128, T.v128, T.v128, T.f32],
      slotNames: ['a', 'b', 'c0', 'c1', 'i', 'acc0', 'acc1', 'acc2', 'r'],
      body: [],
    });
  });

  it('refuses a parameter after a local, and a name twice', () => {
    const slots = new Locals();
    slots.i32('i');
    expect(() => slots.param('late')).toThrow("parameter 'late' declared after a local");
    expect(() => slots.v128('i')).toThrow("'i' declared twice");
  });
});
