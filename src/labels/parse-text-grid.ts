import { InputError } from '../errors.ts';
import { assertSegmentOrder, type LocatedSegment } from './assert-segment-order.ts';
import type { PhoneSegment } from './phone-segment.ts';

type Token = { kind: 'number'; value: number; line: number } | { kind: 'string' | 'flag'; value: string; line: number };

/**
 * Parses a Praat `.TextGrid` (text format, long as MFA writes it, or short) and returns the
 * intervals of one interval tier: the first named `phones` (or `<speaker> - phones`, as MFA
 * writes for multi-speaker corpora) by default. Symbols are returned as written; empty
 * intervals have phone `""` (normalised to `sil` by {@link normalizePhone}).
 *
 * Both formats are the same sequence of numbers and quoted strings; the long one adds
 * `name =` labels and `[n]` indices, which the tokenizer skips, so one reader serves both.
 *
 * @param text the file's contents (decoded; Praat may write UTF-16, see readLabelFile)
 * @param file file name for errors
 * @param tierName the interval tier to read
 * @returns the tier's intervals in seconds
 * @throws InputError with source `file` or `file:line`: not a TextGrid, no such tier (the
 *   message lists the tiers present), truncated file, decreasing or overlapping times
 *
 * ## Example
 * ```ts
 * const phones = parseTextGrid(readFileSync('LJ001-0008.TextGrid', 'utf8'), 'LJ001-0008.TextGrid');
 * ```
 */
export function parseTextGrid(text: string, file: string, tierName = 'phones'): PhoneSegment[] {
  const tokens = tokenize(text, file);
  let k = 0;
  const next = (what: string): Token => {
    const t = tokens[k++];
    if (t === undefined) throw new InputError(file, `truncated TextGrid: file ends where ${what} was expected`);
    return t;
  };
  const num = (what: string): number => {
    const t = next(what);
    if (t.kind !== 'number') throw new InputError(`${file}:${t.line}`, `expected ${what} (a number), got ${JSON.stringify(t.value)}`);
    return t.value;
  };
  const str = (what: string): string => {
    const t = next(what);
    if (t.kind !== 'string') throw new InputError(`${file}:${t.line}`, `expected ${what} (a quoted string), got ${t.value}`);
    return t.value;
  };

  const fileType = tokens[0]?.kind === 'string' ? str('file type') : '';
  const objectClass = tokens[1]?.kind === 'string' ? str('object class') : '';
  if (!fileType.startsWith('ooTextFile') || objectClass !== 'TextGrid') {
    throw new InputError(file, 'not a Praat TextGrid in text format (expected File type = "ooTextFile" and Object class = "TextGrid")');
  }
  num('xmin');
  num('xmax');
  if (tokens[k]?.kind !== 'flag') return missingTier(file, tierName, []);
  next('<exists>');
  const tierCount = num('tier count');
  const seen: string[] = [];
  for (let tier = 0; tier < tierCount; tier++) {
    const tierClass = str('tier class');
    const name = str('tier name');
    num('tier xmin');
    num('tier xmax');
    const count = num('interval count');
    seen.push(name);
    // MFA names tiers `<speaker> - phones` when a corpus has several speakers.
    const wanted = (name === tierName || name.endsWith(` - ${tierName}`)) && tierClass === 'IntervalTier';
    const segments: LocatedSegment[] = [];
    for (let i = 0; i < count; i++) {
      if (tierClass === 'IntervalTier') {
        const line = tokens[k]?.line ?? 0;
        const start = num('interval xmin');
        const end = num('interval xmax');
        const phone = str('interval text');
        if (wanted) segments.push({ start, end, phone, line });
      } else {
        num('point time');
        str('point mark');
      }
    }
    if (wanted) return assertSegmentOrder(segments, file);
  }
  return missingTier(file, tierName, seen);
}

function missingTier(file: string, tierName: string, seen: string[]): never {
  const present = seen.length ? seen.map((s) => `"${s}"`).join(', ') : 'none';
  throw new InputError(file, `no interval tier named "${tierName}" (tiers present: ${present})`);
}

/** Numbers, "strings" ("" escapes a quote) and <flags>; skips labels, [n] indices and ! comments. */
function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '"') {
      const startLine = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new InputError(`${file}:${startLine}`, 'truncated TextGrid: unterminated string');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] === '\n') line++;
        value += text[i++];
      }
      tokens.push({ kind: 'string', value, line: startLine });
    } else if (c === '!') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '[') {
      while (i < n && text[i] !== ']' && text[i] !== '\n') i++;
      i++;
    } else if (c === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) throw new InputError(`${file}:${line}`, 'truncated TextGrid: unterminated <flag>');
      tokens.push({ kind: 'flag', value: text.slice(i + 1, end), line });
      i = end + 1;
    } else if (/[-+.\d]/.test(c) && (i === 0 || /[\s=]/.test(text[i - 1]))) {
      const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 40));
      if (m) {
        tokens.push({ kind: 'number', value: Number(m[0]), line });
        i += m[0].length;
      } else i++;
    } else {
      // Labels such as `xmin =` or `item []:`: skip the whole word so digits inside it are not numbers.
      while (i < n && !/[\s"![<]/.test(text[i])) i++;
      if (i < n && /\s/.test(text[i]) && text[i] !== '\n') i++;
    }
  }
  return tokens;
}
