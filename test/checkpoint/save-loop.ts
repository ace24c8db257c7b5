/**
 * Test helper, run as a child process by save-under-kill.test.ts (which SIGKILLs it): continues from
 * the checkpoint in DIR (or starts a new learner), then forever makes one update and saves to DIR,
 * announcing on stdout, before each save, the version it is saving (updates, a digest of the
 * weights and the statistics' frame count) and, after it, that the save completed.
 *
 *   node --import tsx test/checkpoint/save-loop.ts DIR
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { saveCheckpoint } from '../../src/checkpoint/save-checkpoint.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { randomFrames } from '../learner/engine-helpers.ts';

/** The weights' digest the parent compares a loaded checkpoint's against. */
export function paramsDigest(params: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex').slice(0, 16);
}

const PHONES = ['aa', 'b', 'sil', 'z'];
const DIMS = 26;
const K = 4;

async function main(dir: string): Promise<void> {
  await selectBackend();
  const { learner, stats } = existsSync(join(dir, 'model.json'))
    ? await loadCheckpoint(dir)
    : { learner: new OnlineLearner({ inputSize: DIMS, phones: PHONES, hiddenSize: 24, k1: K, k2: K, seed: 3 }), stats: new RunningStats(DIMS) };
  const stream = learner.openStream('loop');
  for (let round = 0; ; round++) {
    // K labelled frames close one TBPTT(K, K) chunk: exactly one update per round.
    const { xs } = randomFrames(K, DIMS, PHONES, learner.version + 1);
    xs.forEach((x, i) => stream.push(x, PHONES[i % PHONES.length]));
    stats.add(xs[0]);
    process.stdout.write(`saving ${learner.version} ${paramsDigest(learner.params)} ${stats.count}\n`);
    await saveCheckpoint(dir, learner, DEFAULT_FEATURE_CONFIG, stats);
    process.stdout.write(`saved ${learner.version}\n`);
  }
}

if (process.argv[1]?.endsWith('save-loop.ts')) await main(process.argv[2]);
