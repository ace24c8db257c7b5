import type { LstmShape } from './lstm-shape.ts';
import { freeFloats } from './kernels/alloc-floats.ts';
import { createStepCache, type StepCache } from './step-cache.ts';

/** One remembered time step of a stream. */
export interface HistorySlot {
  /** The online forward's activations for this step. */
  cache: StepCache;
  /** The step's input frame (a copy; the window is recomputed from it when weights changed). */
  x: Float32Array;
  /** Class index the step's output is trained on, −1 for none. */
  target: number;
  /** The learner's weight version the step was computed with. */
  version: number;
}

/**
 * The last `capacity` time steps of one stream's current utterance, oldest first: a ring of
 * preallocated caches (so a long stream allocates nothing per frame) that grows on demand up to
 * `capacity` (Infinity for whole-utterance training).
 */
export class StepHistory {
  private readonly slots: HistorySlot[] = [];
  private start = 0;
  /** Steps held (≤ capacity). */
  count = 0;
  /** Steps since the utterance started (may exceed `count`). */
  total = 0;
  private readonly window: HistorySlot[] = [];

  constructor(
    private readonly shape: LstmShape,
    private readonly capacity: number,
  ) {}

  /** The slot for the next step; overwrites the oldest once the ring is full. */
  next(): HistorySlot {
    let slot: HistorySlot;
    if (this.count < this.slots.length) {
      slot = this.slots[(this.start + this.count) % this.slots.length];
      this.count++;
    } else if (this.slots.length < this.capacity) {
      // Growing happens only before the first wrap (start is 0), so appending keeps time order.
      slot = { cache: createStepCache(this.shape), x: new Float32Array(this.shape.inputSize), target: -1, version: 0 };
      this.slots.push(slot);
      this.count++;
    } else {
      slot = this.slots[this.start];
      this.start = (this.start + 1) % this.slots.length;
    }
    this.total++;
    return slot;
  }

  /** The i-th newest slot (0 = the step just taken). */
  newest(i: number): HistorySlot {
    return this.slots[(this.start + this.count - 1 - i) % this.slots.length];
  }

  /** The last n slots, oldest first (a reused array: read it before the next call). */
  last(n: number): HistorySlot[] {
    this.window.length = n;
    for (let i = 0; i < n; i++) this.window[i] = this.newest(n - 1 - i);
    return this.window;
  }

  /** Gives every cache's memory back to the kernel arena; the history is empty and may grow again. */
  free(): void {
    for (const s of this.slots) freeFloats(s.cache.buf);
    this.slots.length = 0;
    this.clear();
  }

  /** Forgets the utterance; keeps the allocated caches for the next one. */
  clear(): void {
    this.start = 0;
    this.count = 0;
    this.total = 0;
  }
}
