import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { RunFigures } from './study-results.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('bin/phonestream.js', PACKAGE_ROOT));

/**
 * One `phonestream replay` as a child process, as a user would run it (a study's runs must not
 * share a process: TensorFlow.js state, memory and start-up cost are part of what a run costs).
 * Resolves to the figures of its summary and its wall time; a failed replay resolves with
 * `figures: null` and its error, so that one diverging point does not end a study.
 *
 * @param args replay's arguments (corpora and options); `--summary FILE --quiet` are added
 * @param summaryPath where the replay writes its summary JSON
 *
 * ## Example
 * ```ts
 * const { figures, wallSeconds } = await runReplay(['fixtures/corpus', '--hidden', '8'], 'out/run.json');
 * ```
 */
export async function runReplay(args: readonly string[], summaryPath: string): Promise<{ figures: RunFigures | null; wallSeconds: number; error?: string }> {
  const startedAt = performance.now();
  try {
    await run(process.execPath, [BIN, 'replay', ...args, '--quiet', '--summary', summaryPath], { maxBuffer: 64 << 20 });
    const s = JSON.parse(await readFile(summaryPath, 'utf8')) as RunFigures;
    const figures: RunFigures = {
      heldOutAccuracy: s.heldOutAccuracy,
      heldOutKappa: s.heldOutKappa,
      heldOutKappaTemporal: s.heldOutKappaTemporal,
      heldOutNoChangeAccuracy: s.heldOutNoChangeAccuracy,
      pass1PrequentialAccuracy: s.pass1PrequentialAccuracy,
      framesPerSecond: s.framesPerSecond,
      updates: s.updates,
      updatesPerSecond: s.updatesPerSecond,
      seconds: s.seconds,
      frames: s.frames,
      utterances: s.utterances,
      skippedUpdates: s.skippedUpdates,
      curve: s.curve ?? [],
    };
    return { figures, wallSeconds: (performance.now() - startedAt) / 1000 };
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const error = (e.stderr?.trim() || e.message || String(err)).split('\n').slice(-3).join(' ');
    return { figures: null, wallSeconds: (performance.now() - startedAt) / 1000, error };
  }
}
