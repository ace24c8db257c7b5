/** Byte ranges handed out from one fixed span of memory: first fit, freed ranges coalesced. */
export interface ArenaAllocator {
  /** The start of a free range of `bytes` (a multiple of 16), or undefined when none is left. */
  take(bytes: number): number | undefined;
  /** Returns a range taken before; neighbouring free ranges merge, and the top comes down. */
  give(offset: number, bytes: number): void;
  /** Bytes held by ranges taken and not yet given back. */
  readonly usedBytes: number;
  /** The highest address ever handed out, as bytes above the start. */
  readonly highWaterBytes: number;
}

/**
 * A first-fit allocator over [start, end): what the kernel arena uses to place its blocks. Blocks
 * recur in few sizes but a growing workspace or history changes them, so freed ranges are merged
 * and reused for any smaller request, not only for one of the same size. Allocation happens when a
 * stream opens or a window grows, never per frame, so a linear scan of the free list is enough.
 *
 * @param start first usable byte (16-byte aligned).
 * @param end one past the last usable byte.
 *
 * ## Example
 * ```ts
 * const a = createArenaAllocator(65536, memory.buffer.byteLength);
 * const at = a.take(1024); // undefined when full
 * ```
 */
export function createArenaAllocator(start: number, end: number): ArenaAllocator {
  let top = start;
  let used = 0;
  let highWater = start;
  // Free ranges below `top`, sorted by offset, never adjacent to each other or to `top`.
  const free: { offset: number; bytes: number }[] = [];
  return {
    take(bytes) {
      for (let i = 0; i < free.length; i++) {
        const r = free[i];
        if (r.bytes < bytes) continue;
        const offset = r.offset;
        r.offset += bytes;
        r.bytes -= bytes;
        if (r.bytes === 0) free.splice(i, 1);
        used += bytes;
        return offset;
      }
      if (top + bytes > end) return undefined;
      const offset = top;
      top += bytes;
      highWater = Math.max(highWater, top);
      used += bytes;
      return offset;
    },
    give(offset, bytes) {
      used -= bytes;
      let i = 0;
      while (i < free.length && free[i].offset < offset) i++;
      free.splice(i, 0, { offset, bytes });
      // Merge with the next range, then with the previous one.
      if (i + 1 < free.length && free[i].offset + free[i].bytes === free[i + 1].offset) {
        free[i].bytes += free[i + 1].bytes;
        free.splice(i + 1, 1);
      }
      if (i > 0 && free[i - 1].offset + free[i - 1].bytes === free[i].offset) {
        free[i - 1].bytes += free[i].bytes;
        free.splice(i, 1);
        i--;
      }
      if (free[i].offset + free[i].bytes === top) {
        top = free[i].offset;
        free.splice(i, 1);
      }
    },
    get usedBytes() {
      return used;
    },
    get highWaterBytes() {
      return highWater - start;
    },
  };
}
