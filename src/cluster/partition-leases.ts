import type { KV } from '@nats-io/kv';
import { leaseKey, partitionOf } from './cluster-names.ts';

export interface PartitionLeasesOptions {
  /** KV bucket of leases; its entries' max age is the lease time (a lease not renewed expires). */
  leases: KV;
  /** KV bucket of worker heartbeats, with the same max age. */
  workers: KV;
  worker: string;
  partitions: number;
  /** How often leases are renewed and free partitions looked for. Default 1000 ms; keep it under a third of the lease time. */
  renewMs?: number;
  onAcquired: (partition: number) => void;
  onLost: (partition: number) => void;
  /** A renewal round that failed (nats-server unreachable, …); the next round tries again. */
  onError?: (err: Error) => void;
}

/**
 * The partitions this worker holds, each as a lease in a KV bucket: key `p<N>` holds the worker's
 * id, created only if absent (so one holder at a time) and renewed by revision every `renewMs`; the
 * bucket's max age expires a lease its holder stopped renewing (a worker that died). Each round
 * the worker also writes its heartbeat, counts the live workers, and holds its fair share,
 * ceil(partitions / workers): it releases what is above it (another worker takes it, replaying its
 * live streams) and takes free partitions up to it, starting at a place of its own so workers
 * spread out. A renewal that fails (the lease expired and was taken) loses the partition.
 *
 * NATS 2.9 has no per-key TTL: the whole bucket's max age is the lease time.
 */
export class PartitionLeases {
  private readonly held = new Map<number, number>(); // partition → lease revision
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: PartitionLeasesOptions) {}

  /** Partitions held now. */
  get partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  holds(partition: number): boolean {
    return this.held.has(partition);
  }

  /** Runs the first round at once (resolves when it is done), then one every renewMs. */
  async start(): Promise<void> {
    await this.runRound();
    this.timer = setInterval(() => {
      // rounds never overlap: a slow one delays the next
      this.round = this.round.then(() => this.runRound());
    }, this.o.renewMs ?? 1000);
  }

  /** Stops renewing and releases every lease (deletes it), so others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    await Promise.allSettled(this.partitions.map((p) => this.release(p)));
    await this.o.workers.delete(this.o.worker).catch(() => {});
  }

  /** Stops renewing without releasing: as a worker that died would (for tests of failover). */
  abandon(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async runRound(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.o.workers.put(this.o.worker, `${Date.now()}`);
      for (const [p, revision] of [...this.held]) {
        try {
          this.held.set(p, await this.o.leases.update(leaseKey(p), this.o.worker, revision));
        } catch {
          this.lose(p);
        }
      }
      const alive = Math.max(1, (await collect(await this.o.workers.keys())).length);
      const fair = Math.ceil(this.o.partitions / alive);
      for (const p of this.partitions.slice(fair)) await this.release(p);
      const first = partitionOf(this.o.worker, this.o.partitions);
      for (let k = 0; k < this.o.partitions && this.held.size < fair && !this.stopped; k++) {
        const p = (first + k) % this.o.partitions;
        if (this.held.has(p)) continue;
        try {
          this.held.set(p, await this.o.leases.create(leaseKey(p), this.o.worker));
          this.o.onAcquired(p);
        } catch {
          // held by another worker
        }
      }
    } catch (err) {
      this.o.onError?.(err as Error);
    }
  }

  private async release(p: number): Promise<void> {
    const revision = this.held.get(p);
    this.lose(p);
    if (revision !== undefined) await this.o.leases.delete(leaseKey(p), { previousSeq: revision }).catch(() => {});
  }

  private lose(p: number): void {
    if (!this.held.delete(p)) return;
    this.o.onLost(p);
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
