import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Files up to this size are read synchronously: 8 MiB, ~4.4 minutes of 16 kHz 16-bit mono, which
 * the page cache delivers in 1–5 ms here. Decoding that file and computing its features (26k frames)
 * then hold the event loop synchronously for ~200 ms, so the read adds little to that; larger files
 * are read asynchronously so as not to hold the loop for a long read of a cold file. (A cold file
 * on a slow disk below the bound does hold the loop for its read: the price of this shortcut.)
 */
const SYNC_READ_MAX_BYTES = 8 * 2 ** 20;

/**
 * A file's bytes: synchronously for a file of at most 8 MiB, through the thread pool otherwise.
 * fs/promises' readFile spends four thread-pool round trips on a file (open, fstat, read, close),
 * each a wait for a woken thread that a busy machine schedules late; on the 180 LJ Speech files
 * (36 MB) the read + decode stage took, median of 6 alternating passes, ~140 ms async and ~100 ms
 * synchronously, and the whole WAV → features path waited for I/O ~5 % of its wall-clock time.
 *
 * @param path the file
 * @returns its bytes (a fresh Buffer)
 * @throws the fs error (with its `code`: ENOENT, EISDIR, EACCES, …) as readFile would
 *
 * ## Example
 * ```ts
 * const bytes = await readFileBytes('a.wav');
 * ```
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  return statSync(path).size <= SYNC_READ_MAX_BYTES ? readFileSync(path) : readFile(path);
}
