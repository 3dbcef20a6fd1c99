// The PyTorch peer as one long-lived child process: found, started, then asked case by case.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  type PeerHello,
  type PeerRequest,
  type PeerResult,
  peerHelloSchema,
  peerReplySchema,
  peerUnavailableSchema,
} from './peer-protocol';

/** The peer script, next to `src/` and `dist/` alike. */
export const TORCH_PEER_SCRIPT = fileURLToPath(
  new URL('../scripts/torch_peer.py', import.meta.url),
);

/**
 * Interpreters tried, in order, when `--python` is not given: the `python3` on PATH (often a
 * virtual environment or pyenv), then the system's (Debian packages torch as python3-torch).
 */
export const DEFAULT_PYTHONS = ['python3', '/usr/bin/python3'];

export type PeerOutcome =
  | { ok: true; result: PeerResult; wallSec: number }
  | { ok: false; error: string; wallSec: number };

/** A started peer: its hello, and one request at a time. */
export interface PeerProcess {
  hello: PeerHello;
  /** The command it was started with (`python3`, a path). */
  command: string;
  /** Sends one case and waits for its reply; past `timeoutSec` the peer is killed. */
  run(request: PeerRequest, timeoutSec: number): Promise<PeerOutcome>;
  /** Ends the peer (end of its stdin; killed if it is still there after 5 s). */
  close(): void;
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

/**
 * Starts `command args` and waits for its hello line. Rejects with one phrase naming the command
 * and why: not found, no torch (the script's `unavailable` line), or exited or silent.
 */
export function startPeerProcess(
  command: string,
  args: string[],
  helloTimeoutSec = 120,
): Promise<PeerProcess> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let waiter: ((line: string | null) => void) | null = null;
  let closed = false;
  let stderr = '';
  let spawnError: string | null = null;
  const deliver = (line: string | null) => {
    const w = waiter;
    waiter = null;
    if (w) w(line);
    else if (line !== null) lines.push(line);
  };
  createInterface({ input: child.stdout }).on('line', deliver);
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdin.on('error', () => {}); // a peer that died: reported by its close
  child.on('error', (error: NodeJS.ErrnoException) => {
    spawnError = error.code === 'ENOENT' ? 'not found' : error.message;
  });
  child.on('close', () => {
    closed = true;
    deliver(null);
  });
  /** The next stdout line; null once the peer has exited, 'timeout' past `ms`. */
  const nextLine = (ms: number): Promise<string | null | 'timeout'> => {
    const queued = lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiter = null;
        resolve('timeout');
      }, ms);
      waiter = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  };
  const why = () =>
    spawnError ?? `exited${stderr.trim() ? `: ${lastLine(stderr)}` : ' before it said hello'}`;
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return null;
    }
  };

  const ask: PeerProcess['run'] = async (request, timeoutSec) => {
    const started = Date.now();
    const fail = (error: string): PeerOutcome => ({
      ok: false,
      error,
      wallSec: (Date.now() - started) / 1000,
    });
    if (closed) return fail(`the peer had ended (${why()})`);
    child.stdin.write(`${JSON.stringify(request)}\n`);
    for (;;) {
      const line = await nextLine(Math.max(0, timeoutSec * 1000 - (Date.now() - started)));
      if (line === 'timeout') {
        child.kill('SIGKILL');
        return fail(`no reply within ${timeoutSec} s (peer killed)`);
      }
      if (line === null) return fail(`the peer ${why()}`);
      const reply = peerReplySchema.safeParse(parse(line));
      if (!reply.success || (reply.data.id !== null && reply.data.id !== request.id)) continue;
      if (reply.data.type === 'error') return fail(reply.data.message);
      return { ok: true, result: reply.data, wallSec: (Date.now() - started) / 1000 };
    }
  };
  const close = () => {
    child.stdin.end();
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  };

  return nextLine(helloTimeoutSec * 1000).then((line) => {
    const fail = (reason: string) => {
      child.kill('SIGKILL');
      throw new Error(`${command}: ${reason}`);
    };
    if (line === 'timeout') return fail(`no hello within ${helloTimeoutSec} s`);
    if (line === null) return fail(why());
    const message = parse(line);
    const unavailable = peerUnavailableSchema.safeParse(message);
    if (unavailable.success) return fail(unavailable.data.reason);
    const hello = peerHelloSchema.safeParse(message);
    if (!hello.success) return fail(`unreadable hello: ${line.slice(0, 200)}`);
    return { hello: hello.data, command, run: ask, close };
  });
}

/**
 * Starts the torch peer on `python`, or on the first of {@link DEFAULT_PYTHONS} that imports
 * torch; `skipped` says why none did, interpreter by interpreter.
 */
export async function startTorchPeer(
  python: string | undefined,
  script = TORCH_PEER_SCRIPT,
): Promise<{ peer: PeerProcess } | { skipped: string }> {
  const reasons: string[] = [];
  for (const candidate of python === undefined ? DEFAULT_PYTHONS : [python]) {
    try {
      return { peer: await startPeerProcess(candidate, [script]) };
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  return { skipped: `no python with torch (${reasons.join('; ')})` };
}
