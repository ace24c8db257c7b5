import { readFile } from 'node:fs/promises';
import { PACKAGE_ROOT, RUNS_FROM_SOURCES } from '../package-root.ts';
import { SITE_FILES } from './site-files.ts';

/**
 * The in-tab site's code and page (SITE_FILES), in memory. An installed package reads what its
 * build bundled (dist/in-tab/); run from the TypeScript sources it bundles src/browser afresh
 * with esbuild (a development dependency), so a change shows without a build: the same pattern
 * as the served page's `buildPageAssets`.
 *
 * @returns site path → bytes.
 * @throws naming the missing file when dist/in-tab/ is incomplete (a build that did not finish).
 */
export async function staticSiteAssets(): Promise<Map<string, Uint8Array>> {
  if (RUNS_FROM_SOURCES) {
    // A computed specifier keeps tsc from compiling the esbuild bundler into dist/.
    const bundler = new URL('./bundle-static-site.ts', import.meta.url).href;
    const { bundleStaticSite } = (await import(bundler)) as { bundleStaticSite(): Promise<Map<string, Uint8Array>> };
    return bundleStaticSite();
  }
  const siteDir = new URL('dist/in-tab/', PACKAGE_ROOT);
  const files = new Map<string, Uint8Array>();
  for (const name of SITE_FILES) {
    const url = new URL(name, siteDir);
    try {
      files.set(name, new Uint8Array(await readFile(url)));
    } catch (err) {
      throw new Error(`phonestream: the built in-tab site is incomplete: cannot read ${url.pathname} (${(err as NodeJS.ErrnoException).code}); rebuild the package (npm run build)`);
    }
  }
  return files;
}
