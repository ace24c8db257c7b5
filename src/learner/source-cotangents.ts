import { allocFloats, freeFloats } from './kernels/alloc-floats.ts';
import type { LstmShape } from './lstm-shape.ts';

/** The backward state of one source frame's loss as it travels back through the window. */
export interface SourceSlot {
  /** Per layer: its gradient reaching h / c of the step being processed from later steps. */
  readonly dh: Float32Array[];
  readonly dc: Float32Array[];
  /** Its gradient of the current layer's output from above. */
  readonly dhIn: Float32Array;
  /** Its gate pre-activation gradients at the current (step, layer), 4H. */
  readonly dz: Float32Array;
}

// Every size rounded up to 4 floats: 16-byte aligned SIMD operands (as in tbptt-gradients.ts).
const r4 = (n: number): number => (n + 3) & ~3;

function slotFloats({ hiddenSize: H, layers: L }: LstmShape): number {
  return 2 * L * r4(H) + r4(H) + 4 * H;
}

/**
 * The per-frame backward pass's ring of source cotangents (one slot per frame whose loss is still
 * travelling back, at most k2 at once), in one kernel-memory block owned by a training stream. The
 * ring is sized once, for k2 slots: a per-frame backward either needs exactly k2 of them or none
 * (when k2 covers the whole window it is the window backward).
 *
 * ## Example
 * ```ts
 * const sources = new SourceCotangents(shape);
 * const slots = sources.forSources(5); // slots[f % 5] carries frame f's gradient
 * sources.free();
 * ```
 */
export class SourceCotangents {
  private current: { buf: Float32Array; slots: SourceSlot[] } | undefined;

  constructor(private readonly shape: LstmShape) {}

  /** Kernel-memory bytes of a ring of `sources` slots for `shape` (as the arena counts them). */
  static bytesFor(shape: LstmShape, sources: number): number {
    return (sources * slotFloats(shape) * 4 + 15) & ~15;
  }

  /** The block holding the slots (for `kernelsFor`); empty before the first {@link forSources}. */
  get block(): { buf: Float32Array } {
    return this.current ?? EMPTY;
  }

  /** A ring of at least `sources` slots (reallocated only when it must grow). */
  forSources(sources: number): SourceSlot[] {
    const c = this.current;
    if (c !== undefined && c.slots.length >= sources) return c.slots;
    if (c !== undefined) freeFloats(c.buf);
    this.current = createRing(this.shape, sources);
    return this.current.slots;
  }

  /** Gives the memory back to the arena (rebuilt if used again). */
  free(): void {
    if (this.current !== undefined) freeFloats(this.current.buf);
    this.current = undefined;
  }
}

const EMPTY = { buf: new Float32Array(0) };

function createRing(shape: LstmShape, sources: number): { buf: Float32Array; slots: SourceSlot[] } {
  const { hiddenSize: H, layers: L } = shape;
  const buf = allocFloats(sources * slotFloats(shape));
  let at = 0;
  const take = (n: number): Float32Array => {
    const v = buf.subarray(at, at + n);
    at += r4(n);
    return v;
  };
  const slots: SourceSlot[] = [];
  for (let s = 0; s < sources; s++) {
    // dz first: 4H keeps every slot's later arrays 16-byte aligned.
    const dz = take(4 * H);
    const dh: Float32Array[] = [];
    const dc: Float32Array[] = [];
    for (let l = 0; l < L; l++) {
      dh.push(take(H));
      dc.push(take(H));
    }
    slots.push({ dh, dc, dhIn: take(H), dz });
  }
  return { buf, slots };
}
