/** x cut into consecutive pieces of the given lengths (clamped to x), the rest as the last piece. */
export function cutIntoChunks(x: Float32Array, cuts: readonly number[]): Float32Array[] {
  const n = x.length;
  const chunks: Float32Array[] = [];
  let at = 0;
  for (const c of cuts) {
    chunks.push(x.subarray(at, Math.min(n, at + c)));
    at = Math.min(n, at + c);
  }
  chunks.push(x.subarray(at));
  return chunks;
}
