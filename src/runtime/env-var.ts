/**
 * An environment variable, or undefined where there is no environment: a browser has no
 * `process`, and a consumer's bundler need not invent one. Every module a browser may load reads
 * the environment through this (test/architecture/browser-api.test.ts checks it).
 *
 * ## Example
 * ```ts
 * const raw = envVar('PHONESTREAM_ARENA_MIB'); // undefined in a browser
 * ```
 */
export function envVar(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env?.[name];
}
