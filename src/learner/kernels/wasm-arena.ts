import { readFileSync } from 'node:fs';

/** The exports of lstm-kernels.wasm (pointers are byte addresses in the arena's memory). */
export interface KernelExports {
  matvec(w: number, rows: number, cols: number, x: number, y: number, acc: number): void;
  matvecT(w: number, rows: number, cols: number, v: number, y: number, acc: number): void;
  outerAdd(a: number, rows: number, cols: number, u: number, v: number): void;
  outerAddBatch(a: number, rows: number, cols: number, uPtrs: number, vPtrs: number, n: number): void;
  addTo(dst: number, src: number, n: number): void;
  cellForward(g: number, bih: number, bhh: number, cPrev: number, c: number, tanhC: number, h: number, hidden: number): void;
  cellBackward(dh: number, dc: number, g: number, cPrev: number, tanhC: number, dz: number, hidden: number): void;
}

/** The wasm kernels' instance and the memory they work in, with a small allocator over it. */
export interface WasmArena {
  readonly memory: WebAssembly.Memory;
  /** The memory's buffer: arrays whose `.buffer` is this one can be handed to the kernels in place. */
  readonly buffer: ArrayBuffer;
  readonly kernels: KernelExports;
  /** A zeroed block of `n` floats in the memory, or undefined when the arena is full. */
  alloc(n: number): Float32Array | undefined;
}

// 256 MiB, reserved but not committed: untouched pages cost no RSS. The memory never grows,
// because growing would detach every Float32Array already handed out.
const PAGES = 4096;
// AssemblyScript keeps the first 64 KiB (stack, static data); blocks start above it.
const HEAP_START = 65536;

let arena: WasmArena | null | undefined;

/**
 * The process-wide wasm arena, created on first use; null when WebAssembly SIMD is not available
 * (then the TypeScript kernels run everything).
 *
 * ## Example
 * ```ts
 * const a = wasmArena();
 * const onWasm = a !== null && params.buffer === a.buffer;
 * ```
 */
export function wasmArena(): WasmArena | null {
  if (arena === undefined) {
    try {
      arena = createArena();
    } catch {
      arena = null;
    }
  }
  return arena;
}

function createArena(): WasmArena {
  const bytes = readFileSync(new URL('./lstm-kernels.wasm', import.meta.url));
  const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  const buffer = memory.buffer;
  let top = HEAP_START;
  // Freed blocks by size in floats: shapes recur, so exact-size reuse is enough.
  const free = new Map<number, number[]>();
  // A block is returned to `free` once its array AND every view createStepCache & co. made of it
  // are garbage: each registered object holds the block's shared record.
  interface Block { offset: number; n: number; live: number }
  const registry = new FinalizationRegistry<Block>((b) => {
    if (--b.live === 0) {
      const list = free.get(b.n) ?? [];
      list.push(b.offset);
      free.set(b.n, list);
    }
  });
  const blocks = new WeakMap<Float32Array, Block>();
  const alloc = (n: number): Float32Array | undefined => {
    let offset = free.get(n)?.pop();
    if (offset === undefined) {
      const bytes = (n * 4 + 15) & ~15; // 16-byte aligned blocks for SIMD loads
      if (top + bytes > buffer.byteLength) return undefined;
      offset = top;
      top += bytes;
    }
    const a = new Float32Array(buffer, offset, n);
    a.fill(0);
    const block: Block = { offset, n, live: 1 };
    registry.register(a, block);
    blocks.set(a, block);
    return a;
  };
  trackViews = (parent, views) => {
    const block = blocks.get(parent);
    if (block === undefined) return;
    for (const v of views) {
      block.live++;
      registry.register(v, block);
    }
  };
  return { memory, buffer, kernels, alloc };
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
