import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * A checkpoint directory (flat: model.json, weights-*.bin, features-*.json) as one byte string,
 * for the object store: per file, a u32 name length, the UTF-8 name, a u32 data length, the data
 * (lengths little-endian), files in name order so the same directory always gives the same bytes
 * (and the same sha256).
 */
export async function packCheckpoint(dir: string): Promise<Uint8Array> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort();
  const parts: Uint8Array[] = [];
  for (const name of names) {
    const n = new TextEncoder().encode(name);
    const data = new Uint8Array(await readFile(join(dir, name)));
    const h = new Uint8Array(4);
    new DataView(h.buffer).setUint32(0, n.length, true);
    const l = new Uint8Array(4);
    new DataView(l.buffer).setUint32(0, data.length, true);
    parts.push(h, n, l, data);
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Writes the files of a packed checkpoint into `dir` (created if missing).
 *
 * @throws Error naming the offset where the bytes stop making sense, or a name that is not a plain file name.
 */
export async function unpackCheckpoint(bytes: Uint8Array, dir: string): Promise<string[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const files: [string, Uint8Array][] = [];
  let at = 0;
  const u32 = () => {
    if (at + 4 > bytes.length) throw new Error(`checkpoint archive: truncated at byte ${at} of ${bytes.length}`);
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  while (at < bytes.length) {
    const nl = u32();
    if (at + nl > bytes.length) throw new Error(`checkpoint archive: a name of ${nl} bytes at byte ${at} runs past the end (${bytes.length})`);
    const name = new TextDecoder().decode(bytes.subarray(at, at + nl));
    at += nl;
    if (name === '' || basename(name) !== name || name === '.' || name === '..') throw new Error(`checkpoint archive: file name ${JSON.stringify(name)} is not a plain file name`);
    const dl = u32();
    if (at + dl > bytes.length) throw new Error(`checkpoint archive: ${name}: ${dl} bytes at byte ${at} run past the end (${bytes.length})`);
    files.push([name, bytes.subarray(at, at + dl)]);
    at += dl;
  }
  await mkdir(dir, { recursive: true });
  for (const [name, data] of files) await writeFile(join(dir, name), data);
  return files.map(([n]) => n);
}
