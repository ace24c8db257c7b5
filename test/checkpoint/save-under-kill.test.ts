import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { paramsDigest } from './save-loop.ts';

/**
 * Kills: each child (about 1.5 s to start) is killed once, at a seeded random time while it saves in
 * a loop; two lanes (each its own directory) run side by side to keep the test near half a minute.
 */
const LANES = 2;
const KILLS_PER_LANE = 10;
/** Kill within this many ms of the child's first completed save: several saves' worth, so any phase of a save. */
const MAX_DELAY_MS = 60;

/** What a child announced: every version it started to save, and the last one it finished. */
interface Announced {
  saving: Map<number, { digest: string; frames: number }>;
  lastSaved: number;
}

let root = '';
before(async () => {
  await selectBackend();
  root = await mkdtemp(join(tmpdir(), 'phonestream-kill-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs save-loop.ts on `dir` and SIGKILLs it `delayMs` after its first completed save. */
async function saveAndKill(dir: string, delayMs: number, announced: Announced): Promise<void> {
  const child = spawn(process.execPath, ['--import', './test/checkpoint/preload-tfjs.mjs', '--import', 'tsx', 'test/checkpoint/save-loop.ts', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000); // a stuck child fails the test below, not the run
  let killTimer: NodeJS.Timeout | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const [what, version, digest, frames] = line.split(' ');
    if (what === 'saving') announced.saving.set(Number(version), { digest, frames: Number(frames) });
    if (what === 'saved') {
      announced.lastSaved = Number(version);
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  }
  const [code, signal] = await exited;
  clearTimeout(guard);
  clearTimeout(killTimer);
  assert.equal(signal, 'SIGKILL', `the saver should have been killed, but exited with ${code}:\n${stderr}`);
}

/** One lane: KILLS_PER_LANE children in turn on one directory, each continuing from the last one's checkpoint. */
async function lane(dir: string, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const announced: Announced = { saving: new Map(), lastSaved: -1 };
  for (let k = 0; k < KILLS_PER_LANE; k++) {
    const delay = Math.floor(rand() * MAX_DELAY_MS);
    await saveAndKill(dir, delay, announced);
    const { learner, stats } = await loadCheckpoint(dir);
    try {
      const v = learner.version;
      const expected = announced.saving.get(v);
      const where = `${dir}, kill ${k} after ${delay} ms: loaded version ${v}, last completed save ${announced.lastSaved}`;
      assert.ok(expected !== undefined, `${where}, which no child was saving`);
      // the last completed save, or the one in flight when killed: never an older one
      assert.ok(v === announced.lastSaved || v === announced.lastSaved + 1, where);
      assert.equal(paramsDigest(learner.params), expected.digest, `${where}: its weights are not that version's`);
      assert.equal(stats.count, expected.frames, `${where}: its statistics are of another version`);
    } finally {
      learner.dispose();
    }
  }
  assert.ok(announced.lastSaved >= KILLS_PER_LANE, `every child saved at least once (last version ${announced.lastSaved})`);
}

describe('saveCheckpoint killed with SIGKILL at random points', () => {
  it(`always leaves the previous checkpoint or the new one, whole and loadable (${LANES * KILLS_PER_LANE} kills)`, async () => {
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(join(root, `lane-${i}`), 20240607 + i)));
  });
});
