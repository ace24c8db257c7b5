/**
 * The WebSocket address of the server that served the page: same host and port, `ws:` for an
 * `http:` page and `wss:` for `https:`, and the page's `?token=…` passed on (producers need it
 * when the server was started with a token; see docs/protocol.md).
 *
 * @param page - the page's location (`window.location`, or any URL in tests).
 * @param path - the socket path on the server; `/ws` by default.
 * @returns e.g. `ws://127.0.0.1:8080/ws`.
 *
 * ## Example
 * ```ts
 * socketUrl(new URL('https://demo.example/?token=abc')); // 'wss://demo.example/ws?token=abc'
 * ```
 */
export function socketUrl(page: { protocol: string; host: string; search: string }, path = '/ws'): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(page.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${page.host}${path}${query}`;
}
