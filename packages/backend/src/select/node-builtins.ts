// Node built-ins reached without a static import, so the main entry still bundles for browsers.

// biome-ignore lint/suspicious/noExplicitAny: Node built-ins are untyped here.
type Any = any;

/** Whether this is Node.js (as opposed to a browser or a web worker). */
export function isNode(): boolean {
  return typeof (globalThis as Any).process?.versions?.node === 'string';
}

/** A Node built-in module by name (`'node:fs'`, ...); needs Node >= 20.16 (`process.getBuiltinModule`). */
export function builtin(name: string): Any {
  const get = (globalThis as Any).process?.getBuiltinModule;
  if (typeof get !== 'function')
    throw new Error(`needs Node >= 20.16 (process.getBuiltinModule), cannot load ${name}`);
  return get(name);
}
