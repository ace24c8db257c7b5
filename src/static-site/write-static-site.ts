import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckpointFiles } from '../checkpoint/checkpoint-files.ts';
import { directoryCheckpointFiles } from '../checkpoint/directory-checkpoint-files.ts';
import { loadCheckpointFrom } from '../checkpoint/load-checkpoint-from.ts';
import { CHECKPOINT_DIR } from './site-files.ts';

/** What {@link writeStaticSite} wrote. */
export interface StaticSite {
  /** Every file written, relative to the site's root, sorted. */
  files: string[];
  /** The checkpoint's files, as copied into `checkpoint/`. */
  checkpointFiles: string[];
  bytes: number;
}

/**
 * The files of a checkpoint the loader reads, with their bytes: the checkpoint is loaded (and so
 * checked, with the loader's messages) through a CheckpointFiles that keeps what it reads, so the
 * site gets exactly model.json, the weights and the feature file it names, and never a bad model.
 *
 * @throws InputError naming the checkpoint's bad file
 */
export async function readCheckpointForSite(dir: string): Promise<Map<string, Uint8Array>> {
  const inner = directoryCheckpointFiles(dir);
  const read = new Map<string, Uint8Array>();
  const keeping: CheckpointFiles = {
    where: (name) => inner.where(name),
    async read(name) {
      const bytes = await inner.read(name);
      read.set(name, bytes);
      return bytes;
    },
  };
  const { learner } = await loadCheckpointFrom(keeping, { trainable: false });
  learner.dispose();
  return read;
}

/**
 * Writes the in-tab site into `outDir`: the code and page (`assets`, see staticSiteAssets) and
 * the checkpoint's files in `checkpoint/`. Any static file server can serve the result
 * (`python3 -m http.server`); the page loads everything by relative URL, so a subdirectory works.
 * Existing files of the same names are replaced; nothing else in `outDir` is touched.
 *
 * @param outDir the site's directory, created with its parents
 * @param assets site path → bytes
 * @param checkpoint the checkpoint's files (readCheckpointForSite)
 */
export async function writeStaticSite(outDir: string, assets: ReadonlyMap<string, Uint8Array>, checkpoint: ReadonlyMap<string, Uint8Array>): Promise<StaticSite> {
  const all = new Map(assets);
  for (const [name, bytes] of checkpoint) all.set(`${CHECKPOINT_DIR}/${name}`, bytes);
  let bytes = 0;
  for (const [name, body] of all) {
    const path = join(outDir, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    bytes += body.byteLength;
  }
  return { files: [...all.keys()].sort(), checkpointFiles: [...checkpoint.keys()].sort(), bytes };
}
