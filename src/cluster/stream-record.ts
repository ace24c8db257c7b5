import type { ProducerStream } from '../server/prediction-server.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';
import { assertStreamId } from './cluster-names.ts';

/**
 * What the cluster knows of one producer's stream (its KV entry): what its `start` said, where its
 * audio is, and whether its producer has stopped. Written by the gateway that accepted the start.
 */
export interface StreamRecord {
  id: string;
  partition: number;
  sampleRate: number;
  encoding: ProducerStream['encoding'];
  labels?: PhoneSegment[];
  learn: boolean;
  /** Fields of the producer's start beyond those above (e.g. channels), passed to the pipeline as they are. */
  extra?: Record<string, unknown>;
  /** The gateway that accepted it. */
  gateway: string;
  /**
   * live: audio may still come; ended: the end marker is in the audio stream; done: a worker has
   * published the stream's `end` (or `error`), so no worker takes it up again.
   */
  status: 'live' | 'ended' | 'done';
  /** Milliseconds since the epoch of the start. */
  startedAt: number;
}

/** Parses a KV entry's value, or throws naming the stream and what is wrong. */
export function parseStreamRecord(key: string, bytes: Uint8Array): StreamRecord {
  assertStreamId(key);
  let r: Partial<StreamRecord>;
  try {
    r = JSON.parse(new TextDecoder().decode(bytes)) as Partial<StreamRecord>;
  } catch (err) {
    throw new Error(`stream record ${key}: not JSON (${(err as Error).message})`);
  }
  if (r.id !== key || typeof r.partition !== 'number' || typeof r.sampleRate !== 'number' || (r.encoding !== 'int16' && r.encoding !== 'float32')) {
    throw new Error(`stream record ${key}: expected id ${key}, a partition, sampleRate and encoding int16|float32`);
  }
  if (r.status !== 'live' && r.status !== 'ended' && r.status !== 'done') throw new Error(`stream record ${key}: status must be live, ended or done`);
  return r as StreamRecord;
}
