// libmpi through koffi: which library, which flavour (Open MPI's pointer handles or MPICH's integer
// ones), and the few functions the communicator calls. No compiler and no binding of our own.
import type { LibraryHandle } from 'koffi';

type KoffiFunction = ReturnType<LibraryHandle['func']>;

/** Which MPI implementation the loaded libmpi is; they differ in how handles are passed. */
export type MpiFlavour = 'openmpi' | 'mpich';

/** An MPI handle as the C calls take it: an address (Open MPI) or an integer (MPICH). */
type Handle = bigint | number;

/** The loaded library: its functions, its predefined handles and what it says it is. */
export interface MpiLibrary {
  flavour: MpiFlavour;
  /** The first line of `MPI_Get_library_version`, e.g. `Open MPI v4.1.4, ...`. */
  version: string;
  /** The file that was loaded. */
  path: string;
  commWorld: Handle;
  float: Handle;
  sum: Handle;
  /** `MPI_IN_PLACE`: `(void *) 1` in Open MPI, `(void *) -1` in MPICH. */
  inPlace: bigint;
  initThread(required: number): number;
  initialized(): boolean;
  finalized(): boolean;
  finalize(): number;
  abort(code: number): number;
  commRank(): number;
  commSize(): number;
  /** Asynchronous (koffi runs it on a worker thread): `MPI_Allreduce(MPI_IN_PLACE, values, ...)`. */
  allReduceSumAsync(values: Float32Array, done: (error: unknown, rc: number) => void): void;
  /** Asynchronous: `MPI_Bcast(values, ..., root, MPI_COMM_WORLD)`. */
  broadcastAsync(
    values: Float32Array,
    root: number,
    done: (error: unknown, rc: number) => void,
  ): void;
  /** Asynchronous: `MPI_Barrier(MPI_COMM_WORLD)`. */
  barrierAsync(done: (error: unknown, rc: number) => void): void;
}

/** `MPI_THREAD_SERIALIZED`, the same in Open MPI and MPICH (the MPI standard fixes the order). */
export const MPI_THREAD_SERIALIZED = 2;

/** Sonames tried in order when neither an option nor `RELORA_MPI_LIBRARY` names one. */
export const MPI_LIBRARY_CANDIDATES = [
  'libmpi.so.40', // Open MPI 3 to 5
  'libmpi.so.12', // MPICH 3 and 4, Intel MPI
  'libmpi.so',
  'libmpi.40.dylib',
  'libmpi.12.dylib',
] as const;

// MPICH's predefined handles are fixed integers (mpi.h): MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM.
const MPICH_HANDLES = { commWorld: 0x44000000, float: 0x4c00040a, sum: 0x58000003 } as const;

async function openLibrary(
  path: string | undefined,
): Promise<{ lib: LibraryHandle; path: string }> {
  // Imported on first use: importing @relora/mpi (e.g. for detectMpiLaunch) loads no native code.
  const koffi = (await import('koffi')).default;
  const tried: string[] = [];
  for (const candidate of path ? [path] : MPI_LIBRARY_CANDIDATES) {
    try {
      return { lib: koffi.load(candidate), path: candidate };
    } catch (error) {
      tried.push(`${candidate} (${(error as Error).message.split('\n')[0]})`);
    }
  }
  throw new Error(
    `@relora/mpi: no MPI library could be loaded: tried ${tried.join('; ')}. Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) or set RELORA_MPI_LIBRARY to libmpi's path`,
  );
}

/** Loads libmpi (`path`, else `RELORA_MPI_LIBRARY`, else {@link MPI_LIBRARY_CANDIDATES}) and binds it. */
export async function loadMpiLibrary(
  path = process.env.RELORA_MPI_LIBRARY || undefined,
): Promise<MpiLibrary> {
  const { lib, path: loaded } = await openLibrary(path);
  const getVersion = lib.func('int MPI_Get_library_version(_Out_ char *version, _Out_ int *len)');
  const text = Buffer.alloc(8192);
  const length = [0];
  getVersion(text, length);
  const version = text.toString('utf8', 0, length[0]).split('\n')[0]?.trim() ?? '';
  const flavour: MpiFlavour = /open mpi/i.test(version) ? 'openmpi' : 'mpich';
  // Open MPI's handles are the addresses of exported objects; MPICH's are integers.
  const h = flavour === 'openmpi' ? 'void *' : 'int';
  const handles =
    flavour === 'openmpi'
      ? {
          commWorld: lib.symbol('ompi_mpi_comm_world') as bigint,
          float: lib.symbol('ompi_mpi_float') as bigint,
          sum: lib.symbol('ompi_mpi_op_sum') as bigint,
        }
      : MPICH_HANDLES;
  const inPlace = flavour === 'openmpi' ? 1n : 0xffffffffffffffffn;
  const initThread = lib.func(
    'int MPI_Init_thread(void *argc, void *argv, int required, _Out_ int *provided)',
  );
  const initialized = lib.func('int MPI_Initialized(_Out_ int *flag)');
  const finalized = lib.func('int MPI_Finalized(_Out_ int *flag)');
  const finalize = lib.func('int MPI_Finalize()');
  const abort = lib.func(`int MPI_Abort(${h} comm, int code)`);
  const commRank = lib.func(`int MPI_Comm_rank(${h} comm, _Out_ int *rank)`);
  const commSize = lib.func(`int MPI_Comm_size(${h} comm, _Out_ int *size)`);
  const allreduce = lib.func(
    `int MPI_Allreduce(void *send, void *recv, int count, ${h} type, ${h} op, ${h} comm)`,
  );
  const bcast = lib.func(`int MPI_Bcast(void *buffer, int count, ${h} type, int root, ${h} comm)`);
  const barrier = lib.func(`int MPI_Barrier(${h} comm)`);
  const flag = (fn: KoffiFunction) => {
    const out = [0];
    fn(out);
    return out[0] !== 0;
  };
  const outInt = (fn: KoffiFunction) => {
    const out = [0];
    const rc = fn(handles.commWorld, out) as number;
    if (rc !== 0) throw new Error(`@relora/mpi: ${fn.info.name} failed (MPI error ${rc})`);
    return out[0] as number;
  };
  return {
    flavour,
    version,
    path: loaded,
    ...handles,
    inPlace,
    initThread(required) {
      const provided = [0];
      const rc = initThread(null, null, required, provided) as number;
      if (rc !== 0) throw new Error(`@relora/mpi: MPI_Init_thread failed (MPI error ${rc})`);
      return provided[0] as number;
    },
    initialized: () => flag(initialized),
    finalized: () => flag(finalized),
    finalize: () => finalize() as number,
    abort: (code) => abort(handles.commWorld, code) as number,
    commRank: () => outInt(commRank),
    commSize: () => outInt(commSize),
    allReduceSumAsync: (values, done) =>
      allreduce.async(
        inPlace,
        values,
        values.length,
        handles.float,
        handles.sum,
        handles.commWorld,
        done,
      ),
    broadcastAsync: (values, root, done) =>
      bcast.async(values, values.length, handles.float, root, handles.commWorld, done),
    barrierAsync: (done) => barrier.async(handles.commWorld, done),
  };
}
