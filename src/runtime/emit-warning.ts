/**
 * Warns once-off conditions the user should know of: Node's `process.emitWarning` (so
 * `--no-warnings` and warning listeners apply), `console.warn` in a browser, which has no `process`.
 *
 * ## Example
 * ```ts
 * emitWarning('OnlineLearner: running on the tfjs cpu backend');
 * ```
 */
export function emitWarning(message: string): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') process.emitWarning(message);
  else console.warn(message);
}
