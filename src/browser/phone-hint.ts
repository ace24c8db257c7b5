/** ARPAbet phones (the TIMIT / CMUdict / MFA English set) → IPA and an example word. */
const HINTS: Record<string, [ipa: string, example: string]> = {
  aa: ['ɑ', 'odd'], ae: ['æ', 'at'], ah: ['ʌ', 'hut'], ao: ['ɔ', 'ought'], aw: ['aʊ', 'cow'],
  ax: ['ə', 'about'], ay: ['aɪ', 'hide'], eh: ['ɛ', 'ed'], er: ['ɝ', 'hurt'], ey: ['eɪ', 'ate'],
  ih: ['ɪ', 'it'], iy: ['i', 'eat'], ow: ['oʊ', 'oat'], oy: ['ɔɪ', 'toy'], uh: ['ʊ', 'hood'],
  uw: ['u', 'two'], b: ['b', 'be'], ch: ['tʃ', 'cheese'], d: ['d', 'dee'], dh: ['ð', 'thee'],
  f: ['f', 'fee'], g: ['ɡ', 'green'], hh: ['h', 'he'], jh: ['dʒ', 'gee'], k: ['k', 'key'],
  l: ['l', 'lee'], m: ['m', 'me'], n: ['n', 'knee'], ng: ['ŋ', 'ping'], p: ['p', 'pee'],
  r: ['ɹ', 'read'], s: ['s', 'sea'], sh: ['ʃ', 'she'], t: ['t', 'tea'], th: ['θ', 'theta'],
  v: ['v', 'vee'], w: ['w', 'we'], y: ['j', 'yield'], z: ['z', 'zee'], zh: ['ʒ', 'seizure'],
  dx: ['ɾ', 'butter'], el: ['l̩', 'bottle'], em: ['m̩', 'rhythm'], en: ['n̩', 'button'],
};

/** Labels that mean "no speech" in the corpora we read (MFA, TIMIT). */
const SILENCES = new Set(['sil', 'sp', 'spn', 'pau', 'h#', 'epi', '']);

/**
 * What to print under a phone label so people who do not read ARPAbet can follow: its IPA symbol
 * and an example word. Stress digits (MFA's `AA1`) and case are ignored.
 *
 * @param label - a phone label as the server sends it.
 * @returns `{silence: true}` for silence labels, the hint for known phones, `{}` otherwise.
 *
 * ## Example
 * ```ts
 * phoneHint('AE1'); // { ipa: 'æ', example: 'at' }
 * phoneHint('sil'); // { silence: true }
 * ```
 */
export function phoneHint(label: string): { ipa?: string; example?: string; silence?: true } {
  const key = label.toLowerCase().replace(/[0-9]+$/, '');
  if (SILENCES.has(key)) return { silence: true };
  const hint = HINTS[key];
  return hint ? { ipa: hint[0], example: hint[1] } : {};
}
