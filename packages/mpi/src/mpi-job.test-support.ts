// The program the tests start under `mpirun -np N`: each rank runs the collectives and prints what it got as one JSON line.
import { MpiCommunicator } from './mpi-communicator';

const comm = await MpiCommunicator.init();
const sum = await comm.allReduceSum(Float32Array.from([comm.rank + 1, 0.1, -comm.rank]));
// Queued behind one another without awaiting: one call in flight at a time.
const [big, root] = await Promise.all([
  comm.allReduceSum(new Float32Array(300_000).fill(comm.rank + 1)),
  comm.broadcast(Float32Array.from([comm.rank, comm.rank * 2]), comm.size - 1),
]);
await comm.barrier();
console.log(
  JSON.stringify({
    rank: comm.rank,
    size: comm.size,
    version: comm.version,
    sum: Array.from(sum),
    bigFirst: big[0],
    bigLast: big[big.length - 1],
    root: Array.from(root),
  }),
);
await comm.finalize();
