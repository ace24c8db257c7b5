/** A non-fatal finding about a file (labels clipped, audio below 16 kHz): the file is still used. */
export interface FileWarning {
  file: string;
  message: string;
}

/**
 * A warning printer that says each file's warning once, however often the file is read (every
 * epoch of a replay, and its held-out scoring): `warning: FILE: MESSAGE` lines on `write`.
 *
 * ## Example
 * ```ts
 * const onWarning = warnOnce((line) => process.stderr.write(line));
 * ```
 */
export function warnOnce(write: (line: string) => void = (line) => process.stderr.write(line)): (w: FileWarning) => void {
  const said = new Set<string>();
  return (w) => {
    const key = `${w.file}\0${w.message}`;
    if (said.has(key)) return;
    said.add(key);
    write(`warning: ${w.file}: ${w.message}\n`);
  };
}
