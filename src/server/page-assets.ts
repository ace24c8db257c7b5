import { readFile } from 'node:fs/promises';
import { PACKAGE_ROOT, RUNS_FROM_SOURCES } from '../package-root.ts';
import type { PageAsset } from './prediction-server.ts';

/** The built page, as the build writes it: file in dist/page/ → content type. */
const PAGE_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'page.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
  'main.js': 'text/javascript; charset=utf-8',
  'mic-worklet.js': 'text/javascript; charset=utf-8',
  'uplot.css': 'text/css; charset=utf-8',
};

/**
 * The live microphone page's files, in memory: `/index.html`, `/page.css`, `/favicon.svg`, the
 * bundled `/main.js` and its AudioWorklet `/mic-worklet.js`, and `/uplot.css` (uPlot's stylesheet). Pass the map to
 * `startPredictionServer({ assets })`, which serves it over HTTP GET (`/` → `/index.html`).
 *
 * An installed package reads the page its build bundled (dist/page/); run from the TypeScript
 * sources (a clone, through tsx) it bundles src/browser afresh with esbuild (a development
 * dependency), so a change to the page shows without a build.
 *
 * @returns URL path → content type and bytes.
 * @throws if dist/page/ is missing (a build that did not run `npm run build`), or, from the
 *   sources, esbuild's error naming file and line.
 *
 * ## Example
 * ```ts
 * const server = await startPredictionServer({ port: 8080, assets: await buildPageAssets() });
 * console.log(`open ${server.url}`);
 * ```
 */
export async function buildPageAssets(): Promise<Map<string, PageAsset>> {
  if (RUNS_FROM_SOURCES) {
    // A computed specifier keeps tsc from compiling the esbuild bundler into dist/.
    const bundler = new URL('./bundle-page.ts', import.meta.url).href;
    const { bundlePage } = (await import(bundler)) as { bundlePage(): Promise<Map<string, PageAsset>> };
    return bundlePage();
  }
  const pageDir = new URL('dist/page/', PACKAGE_ROOT);
  const assets = new Map<string, PageAsset>();
  for (const [file, contentType] of Object.entries(PAGE_FILES)) {
    assets.set(`/${file}`, { contentType, body: new Uint8Array(await readFile(new URL(file, pageDir))) });
  }
  return assets;
}
