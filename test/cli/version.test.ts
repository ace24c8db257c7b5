import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { cli } from './run-cli.ts';

describe('phonestream --version', () => {
  it('prints the version in package.json, as --version, -v and version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const r = await cli(flag);
      assert.equal(r.code, 0, flag);
      assert.equal(r.stdout, `${version}\n`, flag);
    }
  });

  it('is listed in the help', async () => {
    const r = await cli('--help');
    assert.match(r.stdout, /--version {2}print the version/);
  });
});
