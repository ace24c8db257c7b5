import type { ServerMessage } from '../server/messages.ts';

/** Where one stream's messages have got to. */
interface StreamProgress {
  /** Index of the next frame not yet passed on. */
  nextFrame: number;
  /** Frames counted by the last `metrics` passed on. */
  metricsFrames: number;
  /** First frame not covered by a final segment passed on, and the end of the last partial one passed on. */
  segmentsFrom: number;
  partialEnd: number;
  /** Its `end` (or `error`) was passed on: nothing more comes. */
  done: boolean;
}

/**
 * Drops repeated stream messages before they reach clients. After a failover (or a partition
 * handed to a new worker) the new holder replays the stream from its first audio message: the
 * pipeline is deterministic, so it predicts the same frames again, with the same indices. Frames
 * already passed on are dropped by index (a `predictions` message left with none is dropped
 * whole), final `segments` by their first frame and a partial one unless it reaches further than
 * the last one passed on, `metrics` by their frame count, and a second `end` or `error` of a stream is dropped.
 * Messages without a stream (hello, …) pass.
 *
 * Memory: one small entry per stream, forgotten `rememberEnded` ended streams later.
 *
 * ## Example
 * ```ts
 * const dedupe = new OutputDedupe();
 * dedupe.filter(predictions); // the message, or a copy with the frames not seen before, or null
 * ```
 */
export class OutputDedupe {
  private readonly streams = new Map<string, StreamProgress>();
  private readonly ended: string[] = [];

  /** @param rememberEnded ended streams remembered, so that a late duplicate of their end is dropped. */
  constructor(private readonly rememberEnded = 1024) {}

  /** The message as it should be passed on, or null when all of it was passed on before. */
  filter(message: ServerMessage): ServerMessage | null {
    const stream = 'stream' in message ? message.stream : undefined;
    if (stream === undefined) return message;
    let s = this.streams.get(stream);
    if (s === undefined) {
      s = { nextFrame: 0, metricsFrames: -1, segmentsFrom: 0, partialEnd: 0, done: false };
      this.streams.set(stream, s);
    }
    if (s.done) return null;
    switch (message.type) {
      case 'predictions': {
        const fresh = message.frames.filter((f) => f.i >= s.nextFrame);
        if (fresh.length === 0) return null;
        s.nextFrame = fresh.at(-1)!.i + 1;
        return fresh.length === message.frames.length ? message : { ...message, frames: fresh };
      }
      case 'segments': {
        // final segments by their first frame; the partial one only if it reaches further than the last one passed on
        const fresh = message.segments.filter((g) => (g.final ? g.i >= s.segmentsFrom : g.i >= s.segmentsFrom && g.i + g.n > s.partialEnd));
        for (const g of fresh) {
          if (g.final) s.segmentsFrom = g.i + g.n;
          s.partialEnd = Math.max(s.partialEnd, g.i + g.n);
        }
        if (fresh.length === 0) return null;
        return fresh.length === message.segments.length ? message : { ...message, segments: fresh };
      }
      case 'metrics':
        if (message.frames <= s.metricsFrames) return null;
        s.metricsFrames = message.frames;
        return message;
      case 'end':
      case 'error':
        s.done = true;
        this.ended.push(stream);
        if (this.ended.length > this.rememberEnded) this.streams.delete(this.ended.shift()!);
        return message;
      default:
        return message;
    }
  }

  /** Streams tracked now (bounded by the live streams plus `rememberEnded`). */
  get size(): number {
    return this.streams.size;
  }
}
