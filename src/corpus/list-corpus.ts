import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { InputError } from '../errors.ts';
import { LABEL_EXTENSIONS } from '../labels/read-label-file.ts';
import type { CorpusEntry, CorpusProblem } from './corpus-entry.ts';

/** Audio files by name; their format is then told by their magic bytes (a TIMIT `.WAV` is SPHERE). */
const AUDIO_EXTENSIONS = ['.wav', '.sph', '.flac', '.mp3'];

/**
 * Lists a corpus without decoding anything: walks `root` recursively (following symlinks, skipping
 * dot-directories), and pairs each audio file (`.wav`/`.WAV`/`.sph`, RIFF or SPHERE alike, `.flac`, `.mp3`) with
 * the label file of the same stem (case-insensitive extension), looked for in its own directory
 * and in its sibling directories (same parent): the layout MFA-style corpora use,
 * `ljspeech/wav/X.wav` with `ljspeech/TextGrid/X.TextGrid`; TIMIT keeps `SA1.WAV` beside `SA1.PHN`.
 * Preference: `.PHN`, then `.TextGrid`, then `.lab` (a `.lab` beside the audio may be MFA's input
 * transcript, so an aligned TextGrid in a sibling directory wins over it); for the same extension,
 * the audio's own directory, then siblings in name order.
 * An audio file without a label file is reported as a problem and left out. A TIMIT copy with
 * `SA1.WAV` and a converted `SA1.WAV.wav` gives one entry (the shorter name) for id `…/SA1`.
 *
 * @param root the corpus directory
 * @returns entries sorted by id (code-unit order, the same on every machine) and the problems found
 * @throws InputError naming `root` if it is not a readable directory
 *
 * ## Example
 * ```ts
 * const { entries, problems } = await listCorpus('fixtures/corpus');
 * entries[0]; // { id: 'ljspeech/wav/LJ001-0002', audioPath: …, labelPath: … }
 * ```
 */
export async function listCorpus(root: string): Promise<{ entries: CorpusEntry[]; problems: CorpusProblem[] }> {
  try {
    if (!(await stat(root)).isDirectory()) throw new InputError(root, 'not a directory; expected a corpus directory');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(root, `cannot read corpus directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const files: string[] = [];
  await walk(root, files, new Set());
  files.sort();

  // Label files by directory and lowercase stem.
  const labels = new Map<string, string[]>();
  for (const f of files) {
    if ((LABEL_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase())) {
      const key = join(dirname(f), stemOf(f).toLowerCase());
      labels.set(key, [...(labels.get(key) ?? []), f]);
    }
  }
  const dirs = new Set(files.map(dirname));
  const siblingsOf = (dir: string): string[] =>
    [...dirs].filter((d) => d !== dir && dirname(d) === dirname(dir)).sort();

  const byId = new Map<string, CorpusEntry>();
  const problems: CorpusProblem[] = [];
  const unlabelled = new Set<string>();
  for (const audioPath of files) {
    if (!AUDIO_EXTENSIONS.includes(extname(audioPath).toLowerCase())) continue;
    const stem = stemOf(audioPath);
    const dir = dirname(audioPath);
    const id = relative(root, join(dir, stem)).split(sep).join('/');
    const previous = byId.get(id);
    if (previous && previous.audioPath.length <= audioPath.length) continue;
    const labelPath = pickLabel([dir, ...siblingsOf(dir)].flatMap((d) => labels.get(join(d, stem.toLowerCase())) ?? []));
    if (labelPath === undefined) {
      if (!unlabelled.has(id)) problems.push({ file: audioPath, message: `no label file (${stem}.PHN, .TextGrid or .lab) beside it or in a sibling directory; skipped` });
      unlabelled.add(id);
      continue;
    }
    byId.set(id, { id, audioPath, labelPath });
  }
  const entries = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { entries, problems };
}

/** The name without its extension; `SA1.WAV.wav` → `SA1`, so a converted TIMIT copy pairs with `SA1.PHN`. */
function stemOf(path: string): string {
  let name = basename(path);
  const ext = extname(name);
  name = name.slice(0, name.length - ext.length);
  if (AUDIO_EXTENSIONS.includes(ext.toLowerCase()) && AUDIO_EXTENSIONS.includes(extname(name).toLowerCase())) {
    name = name.slice(0, name.length - extname(name).length);
  }
  return name;
}

function pickLabel(candidates: string[]): string | undefined {
  for (const ext of LABEL_EXTENSIONS) {
    const hit = candidates.find((c) => extname(c).toLowerCase() === ext);
    if (hit) return hit;
  }
  return undefined;
}

async function walk(dir: string, out: string[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return; // a symlink loop
  seen.add(real);
  const items = await readdir(dir, { withFileTypes: true });
  for (const item of items) {
    if (item.name.startsWith('.')) continue;
    const path = join(dir, item.name);
    let isDir = item.isDirectory();
    let isFile = item.isFile();
    if (item.isSymbolicLink()) {
      const s = await stat(path).catch(() => null);
      isDir = s?.isDirectory() ?? false;
      isFile = s?.isFile() ?? false;
    }
    if (isDir) await walk(path, out, seen);
    else if (isFile) out.push(path);
  }
}
