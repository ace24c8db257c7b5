/**
 * The served page's sentences that speak of a server, as the in-tab page says them: the view
 * (describeView) is shared, only these few words differ. Other text passes unchanged.
 *
 * ## Example
 * ```ts
 * inTabWording('no labelled stream yet (serve with --replay to follow a corpus)');
 * // 'no labelled stream yet (drop a labelled recording below)'
 * ```
 */
export function inTabWording(text: string): string {
  return text
    .replace('(serve with --replay to follow a corpus)', '(drop a labelled recording below)')
    .replace('over the replayed corpus', 'over the dropped recording');
}
