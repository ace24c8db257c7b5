/**
 * Where a checkpoint's files come from: a directory (Node) or a URL (a browser, a static site).
 * The loader reads model.json, the weights it names and the feature file through this, so the
 * same checks and messages apply to both.
 */
export interface CheckpointFiles {
  /** Where file `name` is, for messages: a path or a URL. */
  where(name: string): string;
  /**
   * The bytes of file `name` (a plain file name).
   * @throws CheckpointFileError (missing, or unreadable with a reason)
   */
  read(name: string): Promise<Uint8Array>;
}

/** A checkpoint file that could not be read: `missing` when it is not there at all. */
export class CheckpointFileError extends Error {
  constructor(
    /** The file's path or URL. */
    readonly where: string,
    /** True when the file does not exist (ENOENT, HTTP 404). */
    readonly missing: boolean,
    /** Short reason, e.g. `ENOENT`, `EACCES`, `HTTP 500`. */
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'CheckpointFileError';
  }
}
