import type { RunningStatsSnapshot } from '../features/running-stats.ts';

/** What a trainer says about itself with its parameters for one round. */
export interface ContributionMeta {
  job: string;
  round: number;
  slot: number;
  trainer: string;
  /** Training frames learned from since the previous round: the weight of these parameters. */
  frames: number;
  /** True when the trainer's shard is done: it joins every later round with weight 0. */
  done: boolean;
  /** paramsHash of the parameters it started this round from (the previous average, or the seed's). */
  base: string;
  /** Its totals so far: frames, utterances and its own weight updates (not counting the averages). */
  totalFrames: number;
  utterances: number;
  updates: number;
  /** Its running training loss and prequential accuracy (null before any labelled frame). */
  loss: number | null;
  accuracy: number | null;
  /** Its normalisation statistics (the coordinator merges the last round's into the checkpoint's). */
  stats: { dims: number; count: number; mean: number[]; m2: number[] };
}

/** A contribution: the meta and the parameters. */
export interface Contribution extends ContributionMeta {
  params: Float32Array;
}

/** A RunningStats snapshot as JSON numbers (float64 round-trips exactly through JSON). */
export function statsToJson(s: RunningStatsSnapshot): ContributionMeta['stats'] {
  return { dims: s.dims, count: s.count, mean: Array.from(s.mean), m2: Array.from(s.m2) };
}

export function statsFromJson(s: ContributionMeta['stats']): RunningStatsSnapshot {
  return { dims: s.dims, count: s.count, mean: Float64Array.from(s.mean), m2: Float64Array.from(s.m2) };
}

/**
 * A contribution as bytes: a u32 (little-endian) length of the meta's JSON, the JSON, padding to a
 * multiple of 4, then the parameters' float32 bytes. Binary, not JSON, for the parameters: a
 * float32 written as decimal text and read back is not always the same float32 in every reader,
 * and bit-identical averages depend on it.
 */
export function encodeContribution(c: Contribution): Uint8Array {
  const { params, ...meta } = c;
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const head = 4 + json.length;
  const pad = (4 - (head % 4)) % 4;
  const out = new Uint8Array(head + pad + params.byteLength);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(new Uint8Array(params.buffer, params.byteOffset, params.byteLength), head + pad);
  return out;
}

/** @throws Error naming what is wrong with the bytes (short, bad JSON, parameters not whole floats). */
export function decodeContribution(bytes: Uint8Array): Contribution {
  if (bytes.length < 4) throw new Error(`training contribution: ${bytes.length} bytes, expected at least 4`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + len > bytes.length) throw new Error(`training contribution: meta of ${len} bytes does not fit in ${bytes.length}`);
  let meta: ContributionMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len)));
  } catch (err) {
    throw new Error(`training contribution: meta is not JSON (${(err as Error).message})`);
  }
  for (const k of ['round', 'slot', 'frames'] as const) {
    if (!Number.isInteger(meta[k]) || meta[k] < 0) throw new Error(`training contribution: "${k}" is ${JSON.stringify(meta[k])}, expected an integer ≥ 0`);
  }
  const head = 4 + len;
  const start = head + ((4 - (head % 4)) % 4);
  const rest = bytes.length - start;
  if (rest < 0 || rest % 4 !== 0) throw new Error(`training contribution (slot ${meta.slot}, round ${meta.round}): ${rest} parameter bytes, expected a multiple of 4`);
  // A copy: the message's buffer is not 4-byte aligned in general.
  const params = new Float32Array(rest / 4);
  new Uint8Array(params.buffer).set(bytes.subarray(start));
  return { ...meta, params };
}

/** Bytes cut into pieces of at most `size` (a NATS message has a max_payload, 1 MiB by default). */
export function chunkBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  if (!(size >= 1)) throw new RangeError(`chunkBytes: size must be ≥ 1, got ${size}`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return out.length === 0 ? [bytes] : out;
}
