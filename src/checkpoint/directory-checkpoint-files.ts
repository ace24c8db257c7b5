import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointFileError, type CheckpointFiles } from './checkpoint-files.ts';

/**
 * A checkpoint in a directory on disk (what `phonestream train --save` and `saveCheckpoint` write).
 *
 * ## Example
 * ```ts
 * const checkpoint = await loadCheckpointFrom(directoryCheckpointFiles('fixtures/checkpoint'));
 * ```
 */
export function directoryCheckpointFiles(dir: string): CheckpointFiles {
  return {
    where: (name) => join(dir, name),
    async read(name) {
      const path = join(dir, name);
      try {
        return await readFile(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new CheckpointFileError(path, code === 'ENOENT', code ?? (err as Error).message);
      }
    },
  };
}
