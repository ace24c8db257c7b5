import type { VectorBlock } from '../../src/features/vector-block.ts';

/** The vectors xs cut into consecutive blocks of the given sizes (the rest in a last block); sizes may be 0. */
export function toBlocks(xs: Float32Array[], dims: number, sizes: number[]): VectorBlock[] {
  const blocks: VectorBlock[] = [];
  let at = 0;
  for (const size of [...sizes, xs.length]) {
    const n = Math.min(size, xs.length - at);
    const values = new Float32Array(n * dims);
    for (let j = 0; j < n; j++) values.set(xs[at + j], j * dims);
    blocks.push({ values, count: n, dims });
    at += n;
    if (at === xs.length) break;
  }
  return blocks;
}

/** The vectors of the blocks, in order, as plain number arrays (for deepEqual). */
export function fromBlocks(blocks: VectorBlock[]): number[][] {
  const out: number[][] = [];
  for (const { values, count, dims } of blocks) {
    if (values.length !== count * dims) throw new Error(`block of ${count} × ${dims} holds ${values.length} values`);
    for (let j = 0; j < count; j++) out.push(Array.from(values.subarray(j * dims, (j + 1) * dims)));
  }
  return out;
}
