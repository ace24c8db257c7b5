import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { splitByFile } from '../../src/corpus/split-by-file.ts';
import { linkTrainingCorpus } from '../../src/study/link-training-corpus.ts';

const CORPUS = 'fixtures/corpus';
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-link-train-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('linkTrainingCorpus', () => {
  it("should link exactly the split's training files, same ids and label pairing", async () => {
    const { entries } = await listCorpus(CORPUS);
    const { train } = splitByFile(entries, 0.1, 1);
    const [root] = await linkTrainingCorpus([CORPUS], join(dir, 'train'), 0.1, 1);
    const linked = await listCorpus(root);
    assert.deepEqual(linked.problems, []);
    assert.deepEqual(linked.entries.map((e) => e.id), train.map((e) => e.id));
    // Run twice: the root is emptied, not added to.
    await linkTrainingCorpus([CORPUS], join(dir, 'train'), 0.1, 1);
    assert.equal((await listCorpus(root)).entries.length, train.length);
  });
  it('should put several corpora under numbered roots, split as replay splits them', async () => {
    const roots = await linkTrainingCorpus([CORPUS, CORPUS], join(dir, 'two'), 0.5, 1);
    assert.equal(roots.length, 2);
    const { entries } = await listCorpus(CORPUS);
    const both = [0, 1].flatMap((i) => entries.map((e) => ({ ...e, id: `${i}:${e.id}` })));
    const { train } = splitByFile(both, 0.5, 1);
    const linked = (await Promise.all(roots.map((r) => listCorpus(r)))).flatMap((l, i) => l.entries.map((e) => `${i}:${e.id}`));
    assert.deepEqual(linked.sort(), train.map((e) => e.id).sort());
  });
});
