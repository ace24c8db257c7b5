import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

/** parseArgs' result for these options (named, so that declarations can be emitted). */
type ParsedOptions<T extends Record<string, OptionSpec>> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/**
 * node:util parseArgs with errors a user can act on: an unknown option or a missing value is a
 * ConfigError naming the option and the command, instead of Node's generic TypeError.
 */
export function parseOptions<T extends Record<string, OptionSpec>>(command: string, argv: string[], options: T): ParsedOptions<T> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${command}: ${message.replace(/\. To specify a positional.*$/s, '')} (see phonestream ${command} --help)`);
  }
}

/** A token that reads as a negative number (`-3`, `-0.5`, `-1e-3`), not an option name. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * parseArgs reads the `-3` of `--hidden -3` as a short option and reports the value as missing;
 * `--hidden=-3` it reads as meant. So a string option followed by a negative number is joined to
 * it, and the number reaches the option's own range check ("--hidden must be … ≥ 1, got "-3"").
 * Only after a known string option and only before a `--` ending the options.
 *
 * @example joinNegativeValues(['--lr', '-1', 'corpus'], { lr: { type: 'string' } }) // ['--lr=-1', 'corpus']
 */
export function joinNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const name = token.startsWith('--') ? token.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** A numeric option: `undefined` when absent, else a finite number in [min, max], or a ConfigError naming it. */
export function numberOption(
  name: string,
  value: string | boolean | (string | boolean)[] | undefined,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const kind = integer ? 'an integer' : 'a number';
    // "from 1 to Infinity" reads like a bug; say only the bounds that exist
    const range =
      min > -Infinity && max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` ≥ ${min}` : max < Infinity ? ` ≤ ${max}` : '';
    throw new ConfigError(`--${name} must be ${kind}${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A string option restricted to a set of choices. */
export function choiceOption<C extends string>(
  name: string,
  value: string | boolean | (string | boolean)[] | undefined,
  choices: readonly C[],
): C | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as C;
}
