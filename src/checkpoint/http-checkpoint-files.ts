import { CheckpointFileError, type CheckpointFiles } from './checkpoint-files.ts';

/**
 * A checkpoint served over HTTP, e.g. by a static site (`phonestream static` copies one into
 * `checkpoint/`): each file is fetched from `baseUrl` + its name.
 *
 * @param baseUrl the directory's URL; a missing trailing slash is added, so `checkpoint` and
 *   `checkpoint/` mean the same.
 * @param fetchFn the fetch to use (default the global one; tests pass their own).
 *
 * ## Example
 * ```ts
 * const checkpoint = await loadCheckpointFrom(httpCheckpointFiles(new URL('checkpoint/', location.href)));
 * ```
 */
export function httpCheckpointFiles(baseUrl: string | URL, fetchFn: typeof fetch = (...a) => fetch(...a)): CheckpointFiles {
  const base = new URL(String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`);
  const urlOf = (name: string): string => new URL(encodeURIComponent(name), base).href;
  return {
    where: urlOf,
    async read(name) {
      const url = urlOf(name);
      let response: Response;
      try {
        response = await fetchFn(url);
      } catch (err) {
        throw new CheckpointFileError(url, false, `fetch failed (${(err as Error).message})`);
      }
      if (!response.ok) throw new CheckpointFileError(url, response.status === 404, `HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
