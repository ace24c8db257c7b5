/**
 * Seeded mutations of real fixture files for the fuzz tests: a mutation is a small plain
 * recipe (printed by fast-check when a property fails), applied to a fixture's bytes here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** The seed every fuzz test uses unless FUZZ_SEED is set (to explore other cases by hand). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);

/** A file the mutations start from: its path (for the extension and the report) and bytes. */
export interface Fixture {
  path: string;
  bytes: Uint8Array;
}

/** Byte offsets are drawn from the first 64 bytes, the first 1100 (a SPHERE header) or anywhere. */
const offset = fc.oneof(fc.nat({ max: 63 }), fc.nat({ max: 1099 }), fc.nat({ max: 1 << 22 }));

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'splice'; other: number; cut: number; from: number }
  /** A header field (WAV, SPHERE) or a line (labels), chosen by `which`, set to `value`. */
  | { kind: 'field'; which: number; value: 'zero' | 'max' | 'random'; random: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: offset }),
  fc.record({ kind: fc.constant('flip' as const), at: offset, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: offset, value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('splice' as const), other: fc.nat(), cut: offset, from: offset }),
  fc.record({
    kind: fc.constant('field' as const),
    which: fc.nat(),
    value: fc.constantFrom('zero' as const, 'max' as const, 'random' as const),
    random: fc.nat(),
  }),
);

/** One to three mutations of one fixture, by index. */
export const recipe = fc.record({ fixture: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
export type Recipe = { fixture: number; mutations: Mutation[] };

/** The seed and recipe, for an assertion message: enough to rerun the one case. */
export function describeCase(seed: number, r: Recipe): string {
  return `seed ${seed}, recipe ${JSON.stringify(r)}`;
}

/** Every file under `dir` (recursively) whose name matches `pattern`, sorted, read into memory. */
export function loadFixtures(dir: string, pattern: RegExp): Fixture[] {
  const out: Fixture[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...loadFixtures(path, pattern));
    else if (pattern.test(name)) out.push({ path, bytes: new Uint8Array(readFileSync(path)) });
  }
  return out;
}

/**
 * Applies a recipe. `field` is told how to corrupt a field for the fixture's format (see
 * {@link corruptAudioField}, {@link corruptLabelLine}). The fixture's own bytes are not touched.
 */
export function applyRecipe(
  r: Recipe,
  fixtures: readonly Fixture[],
  field: (bytes: Uint8Array, m: Extract<Mutation, { kind: 'field' }>) => Uint8Array,
): { fixture: Fixture; bytes: Uint8Array } {
  const fixture = fixtures[r.fixture % fixtures.length];
  let bytes: Uint8Array = fixture.bytes.slice();
  for (const m of r.mutations) {
    const n = Math.max(bytes.length, 1);
    if (m.kind === 'truncate') bytes = bytes.slice(0, m.at % n);
    else if (m.kind === 'flip' && bytes.length) bytes[m.at % n] ^= 1 << m.bit;
    else if (m.kind === 'byte' && bytes.length) bytes[m.at % n] = m.value;
    else if (m.kind === 'splice') bytes = splice(bytes, fixtures[m.other % fixtures.length].bytes, m.cut, m.from);
    else if (m.kind === 'field') bytes = field(bytes, m);
  }
  return { fixture, bytes };
}

/** The head of one file up to `cut`, then the tail of another from `from`. */
function splice(a: Uint8Array, b: Uint8Array, cut: number, from: number): Uint8Array {
  const head = a.subarray(0, cut % (a.length + 1));
  const tail = b.subarray(from % (b.length + 1));
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

// fmt fields as [offset in the chunk's body, width]: tag, channels, rate, byte rate, block align, bits, sub-format.
const FMT_FIELDS: [number, 2 | 4][] = [[0, 2], [2, 2], [4, 4], [8, 4], [12, 2], [14, 2], [24, 2]];
const SPHERE_FIELDS = ['sample_rate', 'channel_count', 'sample_count', 'sample_n_bytes', 'sample_byte_format', 'sample_coding'];
const SPHERE_VALUES = ['0', '4294967295', '-1', '', '99999999999999999999', 'abc', '1e400', '8000', '192000'];

/**
 * Corrupts one header field: a WAV's RIFF, fmt or data chunk size or an fmt field (format tag,
 * channels, sample rate, byte rate, block align, bits, EXTENSIBLE sub-format), set to 0, all ones
 * or a random value; or a SPHERE header value (or its header size line), keeping the header's
 * length so the samples stay where they were.
 */
export function corruptAudioField(bytes: Uint8Array, m: Extract<Mutation, { kind: 'field' }>): Uint8Array {
  const text = latin1(bytes.subarray(0, 1100));
  if (text.startsWith('NIST_1A')) return corruptSphereField(bytes, text, m);
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  const fmt = text.indexOf('fmt ');
  const data = text.indexOf('data', Math.max(fmt, 0));
  const fields: [number, 2 | 4][] = [[4, 4]];
  if (fmt >= 0) fields.push([fmt + 4, 4], ...FMT_FIELDS.map(([at, w]): [number, 2 | 4] => [fmt + 8 + at, w]));
  if (data >= 0) fields.push([data + 4, 4]);
  const [at, width] = fields[m.which % fields.length];
  if (at + width > out.length) return out;
  const max = width === 2 ? 0xffff : 0xffffffff;
  const value = m.value === 'zero' ? 0 : m.value === 'max' ? max : m.random % (max + 1);
  if (width === 2) v.setUint16(at, value, true);
  else v.setUint32(at, value, true);
  return out;
}

function corruptSphereField(bytes: Uint8Array, text: string, m: Extract<Mutation, { kind: 'field' }>): Uint8Array {
  const value = m.value === 'zero' ? '0' : m.value === 'max' ? '4294967295' : SPHERE_VALUES[m.random % SPHERE_VALUES.length];
  const which = m.which % (SPHERE_FIELDS.length + 1);
  const headerEnd = Math.min(text.length, 1024);
  const head = text.slice(0, headerEnd);
  const edited =
    which === SPHERE_FIELDS.length
      ? head.replace(/^(NIST_1A\n).*\n/, `$1${value.padStart(7).slice(-7)}\n`)
      : head.replace(new RegExp(`^${SPHERE_FIELDS[which]} (-\\S+) .*$`, 'm'), `${SPHERE_FIELDS[which]} $1 ${value}`);
  // Keep the header's length where its padding allows: trim or pad the spaces after end_head.
  const fitted = edited.length > headerEnd ? edited.replace(new RegExp(` {0,${edited.length - headerEnd}}$`), '') : edited.padEnd(headerEnd, ' ');
  return new Uint8Array(Buffer.concat([Buffer.from(fitted, 'latin1'), bytes.subarray(headerEnd)]));
}

const GARBAGE = ['', 'x', '0 0', '1 2 3 4 5', '-1 5 aa', '5 1 aa', '"', '<exists', '[', '!', '9'.repeat(400), '\uFFFD\u0000\u00ff', '1e999 2e999 aa'];

/**
 * Garbles one line of a label file: replaced by a fixed bad line (unbalanced quote, reversed or
 * negative times, a 400-digit number, NUL bytes…), deleted, duplicated, or swapped with the next.
 */
export function corruptLabelLine(bytes: Uint8Array, m: Extract<Mutation, { kind: 'field' }>): Uint8Array {
  const lines = new TextDecoder().decode(bytes).split('\n');
  const i = m.which % lines.length;
  if (m.value === 'zero') lines.splice(i, 1);
  else if (m.value === 'max') lines.splice(i, 0, lines[i], lines[(i + 1) % lines.length]);
  else if (m.random % 4 === 0) [lines[i], lines[(i + 1) % lines.length]] = [lines[(i + 1) % lines.length], lines[i]];
  else lines[i] = GARBAGE[m.random % GARBAGE.length];
  return new TextEncoder().encode(lines.join('\n'));
}

/** True ISO-8859-1 (TextDecoder's "latin1" is windows-1252, which does not map bytes back one to one). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
