/**
 * Errors that name what was wrong and what was expected, so a user can fix their input
 * without reading a stack trace. The CLI prints `message` alone (stack only with --debug).
 */

/** Bad input data: a file, a label, a message. `source` names the file or message at fault. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** A bad option or an impossible combination of options; the message names the option. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A stated memory limit would be exceeded (the kernel arena, a stream's budget): refused before
 * anything is allocated. The message names the limit, its number and what to do instead.
 */
export class MemoryLimitError extends ConfigError {
  override name = 'MemoryLimitError';
}
