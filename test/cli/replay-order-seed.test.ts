import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.ts';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { splitByFile } from '../../src/corpus/split-by-file.ts';

const CORPUS = 'fixtures/corpus';
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-order-seed-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One quiet replay; its summary JSON. */
async function replay(name: string, ...extra: string[]) {
  const path = join(dir, `${name}.json`);
  const res = await cli('replay', CORPUS, '--hidden', '8', '--quiet', '--summary', path, ...extra);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(await readFile(path, 'utf8'));
}

/** The figures that depend on the training order (timings do not). */
const figures = (s: Record<string, unknown>) => [s.heldOutAccuracy, s.heldOutKappa, s.pass1PrequentialAccuracy, s.loss, s.updates, s.frames];

describe('phonestream replay --order-seed', () => {
  it('should keep corpus order without it, repeat itself with the same seed and reorder with another', async () => {
    const { entries } = await listCorpus(CORPUS);
    const { train, heldOut } = splitByFile(entries, 0.1, 1);
    const plain = await replay('plain');
    assert.deepEqual(plain.trainOrder, train.map((e) => e.id));
    assert.equal(plain.orderSeed, null);

    const a = await replay('a', '--order-seed', '1');
    const b = await replay('b', '--order-seed', '1');
    const c = await replay('c', '--order-seed', '2');
    assert.equal(a.orderSeed, 1);
    assert.deepEqual(a.trainOrder, b.trainOrder);
    assert.deepEqual(figures(a), figures(b), 'same seed, same summary');
    assert.notDeepEqual(a.trainOrder, c.trainOrder, 'another seed, another order');
    assert.deepEqual([...c.trainOrder].sort(), train.map((e) => e.id).sort(), 'the same files');
    assert.equal(a.heldOutFiles, heldOut.length, 'the held-out split does not move');
    assert.notDeepEqual(figures(a), figures(plain), 'the order changes what is learned');
  });
  it('should refuse a non-integer seed', async () => {
    const res = await cli('replay', CORPUS, '--order-seed', '1.5', '--quiet');
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /--order-seed must be an integer/);
  });
});
