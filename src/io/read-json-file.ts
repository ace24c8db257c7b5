import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';

/**
 * Reads and parses a JSON file, with errors that name the file and what it should have been
 * (`what`, e.g. "the checkpoint"), for every loader of a user-supplied JSON file.
 *
 * @param path the file
 * @param what what the file is expected to be, for the messages
 * @throws InputError naming `path`: unreadable (with the system's code), or not JSON
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(path, `cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not JSON (${(err as Error).message}); expected ${what}`);
  }
}
