import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { HEADER_CHUNK, HEADER_ROUND, HEADER_SLOT, TRAIN_STREAM, trainSubjects } from './cluster-names.ts';
import { decodeContribution, type Contribution } from './training-contribution.ts';

/** A round that did not complete in time, or a trainer that said it failed: always loud. */
export class RoundError extends Error {
  constructor(
    message: string,
    readonly round: number,
    readonly missing: number[],
    /** timeout: this reader waited in vain; failed: someone else reported a failure. */
    readonly kind: 'timeout' | 'failed',
  ) {
    super(message);
    this.name = 'RoundError';
  }
}

export interface RoundInbox {
  /**
   * The `workers` contributions of round `round`, in slot order, once all are in; a RoundError
   * after `timeoutMs` without them (naming each missing slot's trainer and the round), or at once
   * when a trainer of the job published a failure.
   */
  round(round: number, timeoutMs: number): Promise<Contribution[]>;
  stop(): void;
}

/**
 * Every contribution of a job, read from the training stream from its first message (an ordered
 * consumer, DeliverPolicy.All): what was published before this reader started is read too, so a
 * reader can never wait for a round it missed (a trainer's own message included). Parameter
 * chunks are put back together per (round, slot); rounds already handed out are forgotten.
 *
 * @param nameOf the trainer holding a slot, for the error messages (its id from the slot claims).
 */
export async function openRoundInbox(js: JetStreamClient, job: string, workers: number, nameOf: (slot: number) => string): Promise<RoundInbox> {
  const consumer = await js.consumers.get(TRAIN_STREAM, { filter_subjects: trainSubjects(job), deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  const partial = new Map<string, Uint8Array[]>();
  const complete = new Map<number, Map<number, Contribution>>();
  let failure: RoundError | undefined;
  let wake: (() => void) | undefined;
  let done = 0;
  const notify = () => wake?.();

  void (async () => {
    for await (const m of messages) {
      try {
        if (m.subject.endsWith('.failed')) {
          const { slot, round, message } = JSON.parse(m.string()) as { slot: number; round: number; message: string };
          const who = slot < 0 ? 'the coordinator' : `trainer ${nameOf(slot)} (shard ${slot})`;
          failure = new RoundError(`job ${job}: ${who} failed${round > 0 ? ` in round ${round}` : ''}: ${message}`, round, slot < 0 ? [] : [slot], 'failed');
          notify();
          continue;
        }
        const round = Number(m.headers?.get(HEADER_ROUND));
        const slot = Number(m.headers?.get(HEADER_SLOT));
        const [i, n] = (m.headers?.get(HEADER_CHUNK) ?? '0/1').split('/').map(Number) as [number, number];
        if (round <= done) continue;
        const key = `${round}/${slot}`;
        const parts = partial.get(key) ?? [];
        parts[i] = m.data;
        partial.set(key, parts);
        if (parts.filter((p) => p !== undefined).length < n) continue;
        partial.delete(key);
        const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
        let at = 0;
        for (const p of parts) {
          bytes.set(p, at);
          at += p.length;
        }
        const c = decodeContribution(bytes);
        const r = complete.get(c.round) ?? new Map<number, Contribution>();
        r.set(c.slot, c);
        complete.set(c.round, r);
        notify();
      } catch (err) {
        failure = new RoundError(`job ${job}: an unreadable training message on ${m.subject}: ${(err as Error).message}`, done + 1, [], 'failed');
        notify();
      }
    }
  })();

  return {
    async round(round, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        const got = complete.get(round);
        if (got && got.size >= workers) {
          complete.delete(round);
          done = Math.max(done, round);
          for (const k of [...complete.keys()]) if (k <= done) complete.delete(k);
          return [...got.values()].sort((a, b) => a.slot - b.slot);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          const missing = Array.from({ length: workers }, (_, s) => s).filter((s) => !got?.has(s));
          const have = [...(got?.keys() ?? [])].sort((a, b) => a - b);
          throw new RoundError(
            `job ${job}: round ${round} timed out after ${timeoutMs} ms: no parameters from ${missing.map((s) => `trainer ${nameOf(s)} (shard ${s})`).join(', ')}` +
              (have.length > 0 ? `; ${have.map((s) => `shard ${s}`).join(', ')} did publish` : '; no trainer published') +
              ' (a trainer died, is stuck, or never started; see docs/scale-out.md, Training)',
            round,
            missing,
            'timeout',
          );
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 1000));
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
    },
    stop() {
      void messages.stop();
    },
  };
}
