import { ConfigError, InputError } from '../errors.ts';

/**
 * One line naming the file or option and the problem; the stack only with --debug, since
 * a stack trace tells a user of the CLI nothing about their input.
 */
export function formatCliError(err: unknown, debug: boolean): string {
  if (debug && err instanceof Error && err.stack) return `phonestream: ${err.stack}`;
  if (err instanceof InputError || err instanceof ConfigError) return `phonestream: ${err.message}`;
  if (err instanceof Error) return `phonestream: ${err.message.split('\n')[0]}`;
  return `phonestream: ${String(err)}`;
}
