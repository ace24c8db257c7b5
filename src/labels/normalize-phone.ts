/**
 * Normalises a phone symbol the way every reader here does: trimmed, lowercase, an ARPAbet stress
 * digit (0/1/2 after letters, as MFA and CMUdict write `AH0`) stripped, and MFA's short pause `sp`
 * and empty intervals mapped to `sil`. TIMIT and festival symbols carry no digits, so they pass
 * through lowercased (`h#`, `pau`, `ax-h` stay as they are).
 *
 * @param symbol a label as written in the file
 * @returns the normalised symbol
 *
 * ## Example
 * ```ts
 * normalizePhone('AH0'); // 'ah'
 * normalizePhone('');    // 'sil'
 * ```
 */
export function normalizePhone(symbol: string): string {
  const s = symbol.trim().toLowerCase();
  if (s === '' || s === 'sp' || s === 'sil') return 'sil';
  return /^[a-z]+[012]$/.test(s) ? s.slice(0, -1) : s;
}
