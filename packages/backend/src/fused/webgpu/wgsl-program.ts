// What the WGSL kernels share: the shapes of program they come in (a thread per output element;
// a workgroup per output sum; a workgroup per row, its sum and then its elements) and running one
// on the webgpu backend.
//
// Only types come from @tensorflow/tfjs-backend-webgpu: importing the package registers its
// backend, which it does only if navigator.gpu exists then (select/webgpu.ts imports it once it
// does), so nothing here may import it at run time.
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';

/** Threads per workgroup: the backend's usual size for flat programs. */
const THREADS = 64;

/** A program's own uniforms, by name: a WGSL scalar type and this call's value. */
export type Uniforms = Record<string, readonly ['f32' | 'i32' | 'u32', number]>;

/** The tensors a program reads, by the name its WGSL binds each to (an `array<f32>`). */
export type ProgramInputs = Record<string, tf.TensorInfo>;

/** A program, its inputs (flat views) and the values of its own uniforms, ready to run. */
export interface FusedProgram {
  program: WebGPUProgram;
  inputs: tf.TensorInfo[];
  uniformData: Array<{ type: 'float32' | 'int32' | 'uint32'; data: number[] }>;
}

const UNIFORM_TYPES = { f32: 'float32', i32: 'int32', u32: 'uint32' } as const;

// The WGSL declarations and the data are built from one record each, so their orders always
// agree (the backend binds inputs and lays uniforms out in the order given, the shader reads
// them in declaration order).
function ready(program: WebGPUProgram, inputs: ProgramInputs, uniforms: Uniforms): FusedProgram {
  program.variableNames = Object.keys(inputs);
  const entries = Object.entries(uniforms);
  program.uniforms = entries.map(([name, [type]]) => `${name} : ${type},`).join(' ');
  const uniformData = entries.map(([, [type, value]]) => ({
    type: UNIFORM_TYPES[type],
    data: [value],
  }));
  return { program, inputs: Object.values(inputs).map(flat), uniformData };
}

// Every program here sees its tensors as flat arrays and writes a flat output (the kernel gives
// it its shape afterwards), so its WGSL indexes memory itself and any rank works (the backend's
// coordinate helpers stop at rank 6).
function flatProgram(
  shaderKey: string,
  size: number,
  workgroups: number,
  userCode: string,
): WebGPUProgram {
  return {
    shaderKey: `relora_${shaderKey}`,
    outputShape: [size],
    variableNames: [],
    size: true,
    workgroupSize: [THREADS, 1, 1],
    dispatchLayout: { x: [0] },
    // the backend folds more than 65535 workgroups into 2 or 3 dimensions; getGlobalIndex() (the
    // `index` main receives) unfolds them
    dispatch: [workgroups, 1, 1],
    getUserCode: () => userCode,
  };
}

/**
 * One thread per output element: `wgsl` defines `fn element(i : i32) -> f32`, output element i
 * of `size`. It reads `inputs` by name and `uniforms` as `uniforms.<name>`. `shaderKey` must name
 * everything the WGSL text depends on: the backend caches compiled programs by it.
 */
export function elementProgram(
  shaderKey: string,
  inputs: ProgramInputs,
  size: number,
  uniforms: Uniforms,
  wgsl: string,
): FusedProgram {
  const userCode = `
    ${wgsl}

    fn main(index : i32) {
      if (index < uniforms.size) {
        setOutputAtIndex(index, element(index));
      }
    }
  `;
  const workgroups = Math.ceil(size / THREADS);
  return ready(flatProgram(shaderKey, size, workgroups, userCode), inputs, uniforms);
}

// Σ_k term(o, k) for k < terms, by the workgroup's 64 threads: each takes every 64th term, then
// the partial sums are added pairwise. All threads of a workgroup serve one o; a workgroup past
// the last (`live` false: the backend may dispatch a square of them) still joins every barrier,
// since a barrier must be reached by the whole workgroup, so only the loads are guarded.
const WORKGROUP_SUM = `
    var<workgroup> partial : array<f32, ${THREADS}>;

    fn workgroupSum(o : i32, terms : i32, live : bool) -> f32 {
      var sum = 0.0;
      for (var k = i32(localIndex); k < terms && live; k = k + ${THREADS}) {
        sum = sum + term(o, k);
      }
      partial[localIndex] = sum;
      workgroupBarrier();
      for (var stride = ${THREADS / 2}u; stride > 0u; stride = stride / 2u) {
        if (localIndex < stride) {
          partial[localIndex] = partial[localIndex] + partial[localIndex + stride];
        }
        workgroupBarrier();
      }
      return partial[0];
    }
`;

// A program of `workgroups` workgroups writing `outputs` elements, whose main runs `body` with
// o = its workgroup's number, after `wgsl` and workgroupSum.
function workgroupProgram(
  shaderKey: string,
  inputs: ProgramInputs,
  outputs: number,
  workgroups: number,
  uniforms: Uniforms,
  wgsl: string,
  body: string,
): FusedProgram {
  const userCode = `
    ${wgsl}
    ${WORKGROUP_SUM}

    fn main(index : i32) {
      let o = index / ${THREADS};
      ${body}
    }
  `;
  return ready(flatProgram(shaderKey, outputs, workgroups, userCode), inputs, uniforms);
}

/**
 * One workgroup per output element o < `size`: Σ_k term(o, k) over `terms` values of k, then
 * finish(o, sum). `wgsl` defines `fn term(o : i32, k : i32) -> f32` and
 * `fn finish(o : i32, sum : f32) -> f32`. The threads take every 64th term each, then add their
 * partial sums pairwise: a row of thousands is summed by 64 threads, not one, and in float32
 * with an error that grows as log2 of the terms, not linearly.
 */
export function sumProgram(
  shaderKey: string,
  inputs: ProgramInputs,
  size: number,
  terms: number,
  uniforms: Uniforms,
  wgsl: string,
): FusedProgram {
  const body = `
      let total = workgroupSum(o, uniforms.terms, o < uniforms.size);
      if (localIndex == 0u && o < uniforms.size) {
        setOutputAtIndex(o, finish(o, total));
      }`;
  return workgroupProgram(
    shaderKey,
    inputs,
    size,
    size,
    { terms: ['i32', terms], ...uniforms },
    wgsl,
    body,
  );
}

/**
 * One workgroup per row of a `[rows, d]` output: the row's Σ_k term(o, k) as in
 * {@link sumProgram}, then every element of the row, `element(o, k, sum)`, from the same
 * workgroup, so a row sum and what reads it take one dispatch, not two. `wgsl` defines
 * `fn term(o : i32, k : i32) -> f32`, `fn element(o : i32, k : i32, sum : f32) -> f32` and
 * `fn rowDone(o : i32, sum : f32)`, which the row's first thread calls once (for a second output
 * bound writable, see {@link runFusedWriting}; empty otherwise). Uniforms `rows` and `d` are set.
 */
export function rowProgram(
  shaderKey: string,
  inputs: ProgramInputs,
  rows: number,
  d: number,
  uniforms: Uniforms,
  wgsl: string,
): FusedProgram {
  const body = `
      let total = workgroupSum(o, uniforms.d, o < uniforms.rows);
      if (o < uniforms.rows) {
        if (localIndex == 0u) {
          rowDone(o, total);
        }
        for (var k = i32(localIndex); k < uniforms.d; k = k + ${THREADS}) {
          setOutputAtIndex(o * uniforms.d + k, element(o, k, total));
        }
      }`;
  const all = { rows: ['i32', rows], d: ['i32', d], ...uniforms } as const;
  return workgroupProgram(shaderKey, inputs, rows * d, rows, all, wgsl, body);
}

// `t` as a flat view of its data (no copy, no new reference): what the programs bind.
function flat(t: tf.TensorInfo): tf.TensorInfo {
  return { dataId: t.dataId, shape: [tf.util.sizeFromShape(t.shape)], dtype: t.dtype };
}

/**
 * Runs `fused` and returns its new float32 output with `shape`: the output's one reference moves
 * to the returned info, as the backend's own Reshape does.
 */
export function runFused(backend: unknown, fused: FusedProgram, shape: number[]): tf.TensorInfo {
  const { program, inputs, uniformData } = fused;
  const out = (backend as WebGPUBackend).runWebGPUProgram(program, inputs, 'float32', uniformData);
  return { dataId: out.dataId, shape, dtype: 'float32' };
}

/**
 * {@link runFused} for a program that writes more than its one output: the inputs named in
 * `written` are bound writable (`var<storage, read_write>`) so its WGSL assigns them, e.g.
 * `mNext[i] = x`. tfjs-backend-webgpu 4.22 binds every input read-only and has one output per
 * program, so three outputs would take three dispatches; here the backend's device is seen
 * through a view that rewrites the declarations of `written` as the backend compiles the shader
 * (it does so once per shader key, then caches the pipeline). Each written input must be a fresh
 * buffer bound nowhere else in the program (WebGPU forbids a writable binding to alias another).
 */
export function runFusedWriting(
  backend: unknown,
  fused: FusedProgram,
  shape: number[],
  written: readonly string[],
): tf.TensorInfo {
  const gpu = backend as WebGPUBackend & { device: GPUDevice };
  const device = gpu.device;
  const declaration = new RegExp(`var<storage, read> (${written.join('|')}) ?:`, 'g');
  const rewriting = new Proxy(device, {
    get(target, key) {
      if (key === 'createShaderModule') {
        return (descriptor: GPUShaderModuleDescriptor) =>
          target.createShaderModule({
            ...descriptor,
            code: descriptor.code.replace(declaration, 'var<storage, read_write> $1 :'),
          });
      }
      // Dawn's methods and getters need the device itself as `this`, not the view
      const value = (target as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  gpu.device = rewriting;
  try {
    return runFused(backend, fused, shape);
  } finally {
    gpu.device = device;
  }
}

/** Frees a kernel's intermediate output (the backend defers it past the queued commands). */
export function disposeIntermediate(backend: unknown, t: tf.TensorInfo): void {
  (backend as WebGPUBackend).disposeData(t.dataId);
}
