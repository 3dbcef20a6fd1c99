// Parameter and local slots of one emitted function, numbered where they are declared so that an
// index can never drift from the type list it indexes.
import { type SimdFunction, T, type ValueType } from './simd-module';

/**
 * Hands out slot indices as the binary format numbers them: parameters first, then locals in the
 * order asked for. Every slot has a name, which the text snapshots print.
 */
export class Locals {
  private readonly paramTypes: ValueType[] = [];
  private readonly localTypes: ValueType[] = [];
  private readonly names: string[] = [];

  /** A parameter's index. Parameters precede every local, so none may follow one. */
  param(name: string, type: ValueType = T.i32): number {
    if (this.localTypes.length > 0) {
      throw new Error(`Locals: parameter '${name}' declared after a local`);
    }
    return this.slot(this.paramTypes, name, type);
  }

  /** One i32 parameter per name, in order; their indices. */
  params<const N extends readonly string[]>(...names: N): { [K in keyof N]: number } {
    return names.map((name) => this.param(name)) as { [K in keyof N]: number };
  }

  /** `count` parameters of one type in consecutive slots (`name0`, `name1`, ...); the first's index. */
  paramRun(name: string, count: number, type: ValueType): number {
    return this.run(count, (k) => this.param(`${name}${k}`, type));
  }

  i32(name: string): number {
    return this.slot(this.localTypes, name, T.i32);
  }

  f32(name: string): number {
    return this.slot(this.localTypes, name, T.f32);
  }

  v128(name: string): number {
    return this.slot(this.localTypes, name, T.v128);
  }

  /** One i32 local per name, in order; their indices. */
  i32s<const N extends readonly string[]>(...names: N): { [K in keyof N]: number } {
    return names.map((name) => this.i32(name)) as { [K in keyof N]: number };
  }

  /** One v128 local per name, in order; their indices. */
  v128s<const N extends readonly string[]>(...names: N): { [K in keyof N]: number } {
    return names.map((name) => this.v128(name)) as { [K in keyof N]: number };
  }

  /** `count` v128 locals in consecutive slots (`name0`, `name1`, ...); the first's index. */
  v128Run(name: string, count: number): number {
    return this.run(count, (k) => this.v128(`${name}${k}`));
  }

  /** The function exported as `name`, with the slots declared so far. */
  function(name: string, body: number[]): SimdFunction {
    return {
      name,
      params: [...this.paramTypes],
      locals: [...this.localTypes],
      slotNames: [...this.names],
      body,
    };
  }

  private slot(types: ValueType[], name: string, type: ValueType): number {
    if (this.names.includes(name)) throw new Error(`Locals: '${name}' declared twice`);
    types.push(type);
    this.names.push(name);
    return this.names.length - 1;
  }

  private run(count: number, declare: (k: number) => number): number {
    const first = this.names.length;
    for (let k = 0; k < count; k++) declare(k);
    return first;
  }
}
