import { COMBINE_RULES, type CombineRule } from './average-params.ts';
import type { LearnerConfig } from '../learner/learner-config.ts';
import type { FeatureConfig } from '../features/feature-config.ts';

/**
 * A distributed training job, as the coordinator (`replay --nats`) puts it in the training bucket
 * (`job.<id>`) for the trainers. Everything a trainer needs to rebuild the same split and the same
 * initial model on its own: the corpus roots (a path every trainer can read), the split, the order
 * seed and the learner options. `trainIds` (a hash of the training files' ids in order) lets a
 * trainer refuse a corpus that lists differently where it runs.
 */
export interface TrainingJob {
  id: string;
  status: 'open' | 'done' | 'failed';
  corpus: string[];
  heldOutFraction: number;
  splitSeed: number;
  orderSeed: number | null;
  epochs: number;
  /** The learner's options, phones and inputSize included: every trainer builds the same initial model. */
  learner: LearnerConfig;
  /** Feature options (running normalisation: each trainer over its own shard). */
  features: FeatureConfig;
  /** Trainers (shards): utterance i of the training list goes to shard i mod workers. */
  workers: number;
  /** Every trainer publishes its parameters after this many of its own weight updates. */
  averageEvery: number;
  /** How a round combines the trainers' parameters (absent in jobs of older coordinators: `mean`). */
  combine?: CombineRule;
  /** How long a trainer or the coordinator waits for a round before failing loudly. */
  roundTimeoutMs: number;
  /** Only the first N files of the corpus listing are used (null: all). */
  files: number | null;
  trainFiles: number;
  trainIds: string;
  /** Feature threads per trainer (1: none). */
  threads: number;
  createdAt: string;
  /** Set with status failed. */
  error?: string;
}

/** @throws Error naming the first field that is missing or of the wrong kind. */
export function parseTrainingJob(key: string, value: Uint8Array): TrainingJob {
  let j: TrainingJob;
  try {
    j = JSON.parse(new TextDecoder().decode(value));
  } catch (err) {
    throw new Error(`training job ${key}: not JSON (${(err as Error).message})`);
  }
  const need = (ok: boolean, field: string, expected: string) => {
    if (!ok) throw new Error(`training job ${key}: "${field}" is ${JSON.stringify((j as unknown as Record<string, unknown>)[field])}, expected ${expected}`);
  };
  need(typeof j === 'object' && j !== null, '(value)', 'an object');
  need(typeof j.id === 'string', 'id', 'a string');
  need(['open', 'done', 'failed'].includes(j.status), 'status', 'open, done or failed');
  need(Array.isArray(j.corpus) && j.corpus.every((c) => typeof c === 'string'), 'corpus', 'an array of paths');
  need(Number.isInteger(j.workers) && j.workers >= 1, 'workers', 'an integer ≥ 1');
  need(Number.isInteger(j.averageEvery) && j.averageEvery >= 1, 'averageEvery', 'an integer ≥ 1');
  need(j.combine === undefined || COMBINE_RULES.includes(j.combine), 'combine', COMBINE_RULES.join(' or '));
  need(Number.isInteger(j.epochs) && j.epochs >= 1, 'epochs', 'an integer ≥ 1');
  need(j.roundTimeoutMs > 0, 'roundTimeoutMs', 'a number > 0');
  need(typeof j.learner === 'object' && j.learner !== null && Array.isArray(j.learner.phones), 'learner', 'learner options with phones');
  return j;
}

/** The training entries of shard `slot` of `workers`: every workers-th from slot, in order. */
export function shardOf<T>(train: readonly T[], slot: number, workers: number): T[] {
  return train.filter((_, i) => i % workers === slot);
}
