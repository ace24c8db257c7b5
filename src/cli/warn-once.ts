/** A non-fatal finding about a file (labels clipped, audio below 16 kHz): the file is still used. */
export interface FileWarning {
  file: string;
  message: string;
  /** `audio` for an audio file's warning (AudioWarning); absent for a label file's. */
  kind?: 'audio';
}

/**
 * A warning printer that says each file's warning once, however often the file is read (every
 * epoch of a replay, and its held-out scoring): `warning: FILE: MESSAGE` lines on `write`.
 * Only audio warnings (below 16 kHz) are printed: the CLI has never printed the label files'
 * (labels clipped to the audio's end), which the bundled LJ Speech corpus gives for silence
 * alone on every run; that is kept.
 *
 * ## Example
 * ```ts
 * const onWarning = warnOnce((line) => process.stderr.write(line));
 * ```
 */
export function warnOnce(write: (line: string) => void = (line) => process.stderr.write(line)): (w: FileWarning) => void {
  const said = new Set<string>();
  return (w) => {
    if (w.kind !== 'audio') return;
    const key = `${w.file}\0${w.message}`;
    if (said.has(key)) return;
    said.add(key);
    write(`warning: ${w.file}: ${w.message}\n`);
  };
}
