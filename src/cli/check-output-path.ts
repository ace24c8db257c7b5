import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

type Kind = 'file' | 'dir';

/** stat, or null when nothing is there (any other failure is reported as it is). */
async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return 'notdir' as const;
    throw err;
  }
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong with writing `path` as a file or a directory (created with its parents, as
 * saveCheckpoint and the study do), or null when nothing is: checked before any work, so a bad
 * path is found in a second, not after a whole run.
 *
 * - file: not an existing directory; an existing file writable; else its parent an existing,
 *   writable directory (a file's parent is not created).
 * - dir: an existing directory writable; else the nearest existing ancestor a writable directory.
 */
export async function outputPathProblem(path: string, kind: Kind): Promise<string | null> {
  if (path === '') return 'empty path';
  const here = await statOrNull(path);
  if (here === 'notdir') return 'a parent on the path is a file, not a directory';
  if (here !== null) {
    if (kind === 'file' && here.isDirectory()) return 'is a directory; expected a file name';
    if (kind === 'dir' && !here.isDirectory()) return 'exists and is not a directory';
    return (await writable(path)) ? null : `is not writable`;
  }
  if (kind === 'file') {
    const parent = dirname(resolve(path));
    const p = await statOrNull(parent);
    if (p === null) return `its directory ${parent} does not exist`;
    if (p === 'notdir' || !p.isDirectory()) return `${parent} is not a directory`;
    return (await writable(parent)) ? null : `its directory ${parent} is not writable`;
  }
  // A directory is created with its parents: the nearest thing that exists must be a writable directory.
  let ancestor = dirname(resolve(path));
  for (;;) {
    const a = await statOrNull(ancestor);
    if (a === 'notdir' || (a !== null && !a.isDirectory())) return `cannot be created: ${ancestor} is not a directory`;
    if (a !== null) return (await writable(ancestor)) ? null : `cannot be created: ${ancestor} is not writable`;
    const up = dirname(ancestor);
    if (up === ancestor) return 'cannot be created: no existing parent directory';
    ancestor = up;
  }
}

/**
 * Checks every output a command will write, before it does any work; a ConfigError naming the
 * first bad one's option, path and problem.
 *
 * @param command the command, for the message (`replay`)
 * @param outputs `[option, path, kind]`; entries whose path is not a string (option absent) are skipped
 *
 * ## Example
 * ```ts
 * await checkOutputPaths('replay', [['summary', values.summary, 'file'], ['save', values.save, 'dir']]);
 * // ConfigError: replay: --summary out/s.json: its directory /…/out does not exist
 * ```
 */
export async function checkOutputPaths(command: string, outputs: [option: string, path: unknown, kind: Kind][]): Promise<void> {
  for (const [option, path, kind] of outputs) {
    if (typeof path !== 'string') continue;
    const problem = await outputPathProblem(path, kind);
    if (problem !== null) {
      throw new ConfigError(`${command}: --${option} ${path}: ${problem} (checked before starting, so nothing was run)`);
    }
  }
}
