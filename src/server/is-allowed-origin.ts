/**
 * Decides whether a WebSocket upgrade may proceed, from its `Origin` and `Host` headers.
 *
 * Browsers always send `Origin` on a WebSocket handshake; other clients (Node, curl, Python)
 * usually do not, and are not subject to the same-origin threat, so a missing Origin passes.
 * A browser page may connect when it was served by this server (Origin's host equals the Host
 * it connected to) or when its origin is listed in `allowOrigins`. When the server listens on a
 * loopback address the Host must be a loopback name too: otherwise a page on a DNS name that was
 * re-pointed to 127.0.0.1 ("DNS rebinding") would count as same-origin.
 *
 * @param origin - the `Origin` header, if any.
 * @param host - the `Host` header, if any.
 * @param allowOrigins - extra origins allowed, normalised (`new URL(o).origin`).
 * @param loopbackOnly - true when the server listens on a loopback address.
 * @returns true when the connection may proceed.
 *
 * ## Example
 * ```ts
 * isAllowedOrigin('http://127.0.0.1:8080', '127.0.0.1:8080', [], true); // true
 * isAllowedOrigin('https://evil.example', '127.0.0.1:8080', [], true);  // false
 * ```
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowOrigins: readonly string[],
  loopbackOnly: boolean,
): boolean {
  if (origin === undefined) return true;
  if (allowOrigins.includes(origin)) return true;
  if (host === undefined) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // "null" (file://, sandboxed frames) and garbage are never same-origin
  }
  const hostHeader = host.toLowerCase();
  if (originHost !== hostHeader) return false;
  return !loopbackOnly || isLoopbackHost(hostHeader);
}

/** True for `localhost`, `127.x.x.x` and `[::1]`, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const bareIpv6 = !host.startsWith('[') && host.indexOf(':') !== host.lastIndexOf(':');
  const name = host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1)
    : bareIpv6
      ? host
      : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
