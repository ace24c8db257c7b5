import { Observable, type OperatorFunction } from 'rxjs';
import type { VectorBlock } from './vector-block.ts';

/**
 * Emits the vectors of each block in order, as fresh arrays of `dims` values, all when the block
 * arrives (stopping early if the consumer unsubscribes).
 *
 * ## Example
 * ```ts
 * blocks$.pipe(splitVectorBlocks()); // Float32Array per frame
 * ```
 */
export function splitVectorBlocks(): OperatorFunction<VectorBlock, Float32Array> {
  return (blocks) =>
    new Observable<Float32Array>((subscriber) =>
      blocks.subscribe({
        next({ values, count, dims }) {
          for (let j = 0; j < count && !subscriber.closed; j++) subscriber.next(values.slice(j * dims, (j + 1) * dims));
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
