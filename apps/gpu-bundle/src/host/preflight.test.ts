import { describe, expect, it } from 'vitest';
import { backendArg, planArgs } from './preflight';

describe('backendArg', () => {
  it('reads --backend x and --backend=x, the last one winning', () => {
    expect(backendArg(['--quick'])).toBeUndefined();
    expect(backendArg(['--backend', 'wasm', '--quick'])).toBe('wasm');
    expect(backendArg(['--backend=cpu'])).toBe('cpu');
    expect(backendArg(['--backend', 'wasm', '--backend=webgpu'])).toBe('webgpu');
  });
});

describe('planArgs', () => {
  it('adds --backend webgpu in front and checks the adapter when no backend is named', () => {
    expect(planArgs(['--quick'])).toEqual({
      args: ['--backend', 'webgpu', '--quick'],
      checkAdapter: true,
    });
  });

  it('keeps a named backend and checks the adapter only for webgpu', () => {
    expect(planArgs(['--backend', 'wasm'])).toEqual({
      args: ['--backend', 'wasm'],
      checkAdapter: false,
    });
    expect(planArgs(['--backend=webgpu'])).toEqual({
      args: ['--backend=webgpu'],
      checkAdapter: true,
    });
  });

  it('leaves the backend to a pretrain config file, and help alone', () => {
    expect(planArgs(['--config', 'run.yaml'])).toEqual({
      args: ['--config', 'run.yaml'],
      checkAdapter: false,
    });
    expect(planArgs(['--help'])).toEqual({ args: ['--help'], checkAdapter: false });
  });
});
