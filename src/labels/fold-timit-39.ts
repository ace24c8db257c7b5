const FOLD: Readonly<Record<string, string>> = {
  ao: 'aa',
  ax: 'ah',
  'ax-h': 'ah',
  axr: 'er',
  hv: 'hh',
  ix: 'ih',
  el: 'l',
  em: 'm',
  en: 'n',
  nx: 'n',
  eng: 'ng',
  zh: 'sh',
  ux: 'uw',
  pcl: 'sil',
  tcl: 'sil',
  kcl: 'sil',
  bcl: 'sil',
  dcl: 'sil',
  gcl: 'sil',
  'h#': 'sil',
  pau: 'sil',
  epi: 'sil',
};

/**
 * Folds a TIMIT phone (61 set) to its scoring class in the standard 39 of Lee & Hon (1989):
 * e.g. ao→aa, ax/ax-h→ah, axr→er, closures and pauses→sil. The glottal stop `q` is deleted
 * (returns null): score frames labelled `q` against nothing, or drop them. Symbols already in
 * the 39 set (and `sil`) are returned unchanged.
 *
 * @param phone a normalised TIMIT symbol
 * @returns its 39-set class, or null for `q`
 *
 * ## Example
 * ```ts
 * foldTimit39('ax-h'); // 'ah'
 * foldTimit39('q');    // null
 * ```
 */
export function foldTimit39(phone: string): string | null {
  if (phone === 'q') return null;
  return FOLD[phone] ?? phone;
}
