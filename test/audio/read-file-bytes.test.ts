import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileBytes } from '../../src/audio/read-file-bytes.ts';

describe('readFileBytes', () => {
  it('should read a small file (synchronously) and a file past 8 MiB (through the thread pool) whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonestream-read-'));
    try {
      const small = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
      assert.deepEqual(await readFileBytes(small), readFileSync(small));
      const big = join(dir, 'big.bin');
      const bytes = Buffer.alloc(8 * 2 ** 20 + 3, 0);
      for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i % 251;
      writeFileSync(big, bytes);
      assert.deepEqual(await readFileBytes(big), bytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should reject with the fs error code for a missing file or a directory', async () => {
    await assert.rejects(readFileBytes('fixtures/no-such-file.wav'), { code: 'ENOENT' });
    await assert.rejects(readFileBytes('fixtures'), { code: 'EISDIR' });
  });
});
