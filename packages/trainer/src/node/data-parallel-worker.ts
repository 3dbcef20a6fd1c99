// Worker-thread entry of data-parallel training: one model replica answering step messages.
import { parentPort } from 'node:worker_threads';
import { Replica, type ReplicaInit, type ReplicaStep } from './data-parallel-replica';

const port = parentPort;
if (!port) throw new Error('data-parallel-worker: must run in a worker thread');
let replica: Replica | undefined;

port.on('message', async (message: ReplicaInit | ReplicaStep) => {
  try {
    if (message.type === 'init') {
      replica = await Replica.create(message);
      port.postMessage({ ok: true });
      return;
    }
    if (!replica) throw new Error('data-parallel-worker: step before init');
    port.postMessage({ ok: true, result: await replica.step(message) });
  } catch (error) {
    port.postMessage({ ok: false, error: (error as Error).stack ?? String(error) });
  }
});
