import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkOutputPaths, outputPathProblem } from '../../src/cli/check-output-path.ts';
import { ConfigError } from '../../src/errors.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-output-path-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'file.json'), '{}');
});
after(() => rm(dir, { recursive: true, force: true }));

describe('outputPathProblem', () => {
  it('accepts a new file in an existing directory, an existing file, a new or existing directory', async () => {
    assert.equal(await outputPathProblem(join(dir, 'new.json'), 'file'), null);
    assert.equal(await outputPathProblem(join(dir, 'file.json'), 'file'), null);
    assert.equal(await outputPathProblem(join(dir, 'sub'), 'dir'), null);
    // created with its parents, as saveCheckpoint does
    assert.equal(await outputPathProblem(join(dir, 'a', 'b', 'c'), 'dir'), null);
  });

  it('refuses a file whose directory does not exist, naming it', async () => {
    assert.equal(await outputPathProblem(join(dir, 'nope', 'out.json'), 'file'), `its directory ${join(dir, 'nope')} does not exist`);
  });

  it('refuses a file name that is an existing directory', async () => {
    assert.equal(await outputPathProblem(join(dir, 'sub'), 'file'), 'is a directory; expected a file name');
  });

  it('refuses a directory that is a file, or below a file', async () => {
    assert.equal(await outputPathProblem(join(dir, 'file.json'), 'dir'), 'exists and is not a directory');
    assert.equal(await outputPathProblem(join(dir, 'file.json', 'ckpt'), 'dir'), 'a parent on the path is a file, not a directory');
    assert.equal(await outputPathProblem(join(dir, 'file.json', 'x.json'), 'file'), 'a parent on the path is a file, not a directory');
  });

  it('refuses the empty path', async () => {
    assert.equal(await outputPathProblem('', 'file'), 'empty path');
  });
});

describe('checkOutputPaths', () => {
  it('names the command, the option and the path; skips absent options', async () => {
    await checkOutputPaths('replay', [['summary', undefined, 'file'], ['save', join(dir, 'ckpt'), 'dir']]);
    const bad = join(dir, 'nope', 's.json');
    await assert.rejects(
      checkOutputPaths('replay', [['save', join(dir, 'ckpt'), 'dir'], ['summary', bad, 'file']]),
      (err: unknown) => err instanceof ConfigError && err.message.startsWith(`replay: --summary ${bad}: its directory`),
    );
  });
});
