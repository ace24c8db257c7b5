import { ConfigError, MemoryLimitError } from '../../errors.ts';
import { kernelModule } from '../../kernels/kernel-module.ts';
import { createArenaAllocator } from './arena-allocator.ts';
import { envVar } from '../../runtime/env-var.ts';

/** The exports of lstm-kernels.wasm (pointers are byte addresses in the arena's memory). */
export interface KernelExports {
  matvec(w: number, rows: number, cols: number, x: number, y: number, acc: number): void;
  matvecT(w: number, rows: number, cols: number, v: number, y: number, acc: number): void;
  outerAdd(a: number, rows: number, cols: number, u: number, v: number): void;
  outerAddBatch(a: number, rows: number, cols: number, uPtrs: number, vPtrs: number, n: number): void;
  addTo(dst: number, src: number, n: number): void;
  cellForward(g: number, bih: number, bhh: number, cPrev: number, c: number, tanhC: number, h: number, hidden: number): void;
  cellBackward(dh: number, dc: number, g: number, cPrev: number, tanhC: number, dz: number, hidden: number): void;
  sumSquares(g: number, n: number): number;
  adamStep(
    p: number, g: number, m: number, v: number, prev: number, n: number, scale: number, powers: number,
    lr: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number,
  ): number;
  momentumStep(p: number, g: number, acc: number, prev: number, n: number, scale: number, lr: number, momentum: number): number;
  // Live-stream kernels (batched inference, the decimator).
  matvecBatch(w: number, rows: number, cols: number, xPtrs: number, yPtrs: number, n: number, acc: number): void;
  firDecimate(x: number, taps: number, nTaps: number, step: number, y: number, count: number): void;
  // Forward-gradient kernels (e-prop's traces).
  decayOuterAdd(a: number, rows: number, cols: number, s: number, u: number, v: number): void;
  rowScaledAdd(a: number, rows: number, cols: number, s: number, b: number): void;
  // Forward-mode gradient kernels (issue 9).
  snap1Propagate(th: number, tc: number, input: number, inK: number, hPrev: number, g: number, cPrev: number, tanhC: number, wHh: number, hidden: number): void;
  snap1Accumulate(grad: number, th: number, dh: number, inK: number, hidden: number): void;
}

/** How full the arena is, in bytes (what the leak test and the soak benchmark watch). */
export interface ArenaStats {
  /** The arena's fixed size (PHONESTREAM_ARENA_MIB). */
  capacityBytes: number;
  /** Held by live blocks. */
  usedBytes: number;
  /** The highest address ever handed out: grows only when a block needs fresh memory. */
  highWaterBytes: number;
  /** Promised to open learners and streams (their worst case, see `streamMemoryBytes`). */
  reservedBytes: number;
}

/** The wasm kernels' instance and the memory they work in, with the allocator over it. */
export interface WasmArena {
  readonly memory: WebAssembly.Memory;
  /** The memory's buffer: arrays whose `.buffer` is this one can be handed to the kernels in place. */
  readonly buffer: ArrayBuffer;
  readonly kernels: KernelExports;
  /** A zeroed block of `n` floats in the memory; throws MemoryLimitError when it does not fit. */
  alloc(n: number): Float32Array;
  /**
   * Gives a block back now rather than when it is garbage collected (a closed stream's history,
   * a replaced workspace). Every view of it must be dead: the memory is handed out again.
   */
  free(a: Float32Array): void;
  /**
   * Promises `bytes` to `what` against the capacity, or throws MemoryLimitError naming both (and
   * `hint`, what to do instead) when the promises already made leave too little. Returns the
   * function that takes the promise back.
   */
  reserve(bytes: number, what: string, hint?: string): () => void;
  stats(): ArenaStats;
}

/** Default size. Reserved, not committed: untouched pages cost no RSS, so this costs nothing. */
export const DEFAULT_ARENA_MIB = 2048;
/** wasm32 addresses reach 4 GiB; below 64 MiB one hidden-128 utterance stream barely fits. */
const MIN_ARENA_MIB = 64;
const MAX_ARENA_MIB = 4096;
const PAGE_BYTES = 65536;
// AssemblyScript keeps the first 64 KiB (stack, static data); blocks start above it.
const HEAP_START = 65536;

let arena: WasmArena | null | undefined;
let configuredMib: number | undefined;

/**
 * Sets the arena's size before first use (default: env PHONESTREAM_ARENA_MIB, else
 * {@link DEFAULT_ARENA_MIB}). The memory never grows, because growing would detach every
 * Float32Array already handed out: its size is the limit every reservation is checked against.
 *
 * @param mebibytes whole MiB, 64 to 4096.
 */
export function configureArena(mebibytes: number): void {
  const mib = checkedMib(mebibytes, 'configureArena');
  if (arena !== undefined && arena !== null && arena.buffer.byteLength !== mib * 2 ** 20) {
    throw new ConfigError(`configureArena(${mebibytes}): the kernel arena already exists with ${arena.buffer.byteLength / 2 ** 20} MiB; configure it before the first learner`);
  }
  configuredMib = mib;
}

/**
 * The process-wide wasm arena, created on first use; null when WebAssembly SIMD is not available
 * (then the TypeScript kernels run everything, on ordinary memory).
 *
 * ## Example
 * ```ts
 * const a = wasmArena();
 * const onWasm = a !== null && params.buffer === a.buffer;
 * ```
 */
export function wasmArena(): WasmArena | null {
  if (arena === undefined) {
    const mib = configuredMib ?? mibFromEnv();
    try {
      arena = createArena(mib);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      arena = null;
    }
  }
  return arena;
}

/** The arena's byte counts, or null without an arena. */
export function arenaStats(): ArenaStats | null {
  return wasmArena()?.stats() ?? null;
}

function mibFromEnv(): number {
  const raw = envVar('PHONESTREAM_ARENA_MIB');
  if (raw === undefined || raw === '') return DEFAULT_ARENA_MIB;
  return checkedMib(Number(raw), `PHONESTREAM_ARENA_MIB="${raw}"`);
}

function checkedMib(mib: number, what: string): number {
  if (!Number.isInteger(mib) || mib < MIN_ARENA_MIB || mib > MAX_ARENA_MIB) {
    throw new ConfigError(`${what}: the kernel arena's size must be a whole number of MiB from ${MIN_ARENA_MIB} to ${MAX_ARENA_MIB}`);
  }
  return mib;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

function createArena(mib: number): WasmArena {
  const module = kernelModule('lstm');
  const pages = (mib * 2 ** 20) / PAGE_BYTES;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  const buffer = memory.buffer;
  const capacityBytes = buffer.byteLength - HEAP_START;
  const space = createArenaAllocator(HEAP_START, buffer.byteLength);
  let reservedBytes = 0;
  // A block goes back to `space` once its array AND every view createStepCache & co. declared are
  // garbage (each registered object holds the block's shared record), or at once through free().
  interface Block { offset: number; bytes: number; live: number; freed: boolean }
  const release = (b: Block): void => {
    if (b.freed) return;
    b.freed = true;
    space.give(b.offset, b.bytes);
  };
  const registry = new FinalizationRegistry<Block>((b) => {
    if (--b.live === 0) release(b);
  });
  const blocks = new WeakMap<Float32Array, Block>();
  const alloc = (n: number): Float32Array => {
    const size = (n * 4 + 15) & ~15; // 16-byte aligned blocks for SIMD loads
    const offset = space.take(size);
    if (offset === undefined) {
      throw new MemoryLimitError(
        `the kernel arena is full: a block of ${mb(size)} does not fit (${mb(space.usedBytes)} of ${mb(capacityBytes)} in use); ` +
        'raise PHONESTREAM_ARENA_MIB, open fewer streams, or train on shorter windows (send end-of-utterance markers, use tbptt)',
      );
    }
    const a = new Float32Array(buffer, offset, n);
    a.fill(0);
    const block: Block = { offset, bytes: size, live: 1, freed: false };
    registry.register(a, block);
    blocks.set(a, block);
    return a;
  };
  const free = (a: Float32Array): void => {
    const block = blocks.get(a);
    if (block === undefined) throw new ConfigError('wasm arena free(): the array is not a block of the arena');
    blocks.delete(a);
    release(block);
  };
  trackViews = (parent, views) => {
    const block = blocks.get(parent);
    if (block === undefined) return;
    for (const v of views) {
      block.live++;
      registry.register(v, block);
    }
  };
  const reserve = (n: number, what: string, hint = 'close other streams, or raise PHONESTREAM_ARENA_MIB'): (() => void) => {
    if (reservedBytes + n > capacityBytes) {
      throw new MemoryLimitError(
        `${what} needs up to ${mb(n)} of kernel memory, but the kernel arena (${mb(capacityBytes)}, PHONESTREAM_ARENA_MIB=${mib}) ` +
        `has only ${mb(capacityBytes - reservedBytes)} not already promised to open learners and streams: ${hint}`,
      );
    }
    reservedBytes += n;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      reservedBytes -= n;
    };
  };
  const stats = (): ArenaStats => ({
    capacityBytes, usedBytes: space.usedBytes, highWaterBytes: space.highWaterBytes, reservedBytes,
  });
  return { memory, buffer, kernels, alloc, free, reserve, stats };
}

let trackViews: (parent: Float32Array, views: Float32Array[]) => void = () => {};

/**
 * Declares views made from an arena block, so the block stays allocated while any of them is
 * reachable (not only the parent array). Views made later by callers are not tracked: keep the
 * parent (or the cache holding it) alive while you use them.
 *
 * @param parent an array from `allocFloats`.
 * @param views subarrays of it that are handed out.
 */
export function keepBlockForViews(parent: Float32Array, views: Float32Array[]): void {
  trackViews(parent, views);
}
