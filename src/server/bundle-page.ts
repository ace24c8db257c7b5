import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { PageAsset } from './prediction-server.ts';

const BROWSER_DIR = new URL('../browser/', import.meta.url);

/** Static files copied as they are: URL path → [file in src/browser, content type]. */
export const STATIC_FILES: Record<string, [string, string]> = {
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/page.css': ['page.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
};

/** Stylesheets of the page's libraries, served as they are: URL path → [package file, content type]. */
export const PACKAGE_FILES: Record<string, [string, string]> = {
  '/uplot.css': ['uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'],
};

/** Bundled scripts: URL path → entry point in src/browser. The worklet must be its own module. */
export const SCRIPTS: Record<string, string> = {
  '/main.js': 'main.ts',
  '/mic-worklet.js': 'mic-worklet.ts',
};

/**
 * Bundles the live microphone page in memory with esbuild: src/browser/main.ts and the
 * AudioWorklet src/browser/mic-worklet.ts (ES modules, ~100 ms), plus the static files beside
 * them. The build (scripts/build-page.ts) writes the result to dist/page/, which an installed
 * package serves; from the TypeScript sources `buildPageAssets()` calls this directly, so a
 * change under src/browser shows without a build. esbuild is a development dependency: this
 * module is not part of dist/.
 *
 * esbuild bundles for the browser platform, so a Node import slipping into src/browser fails
 * here, loudly, rather than in a user's browser.
 *
 * @throws esbuild's error (naming file and line) if the browser code does not build.
 */
export async function bundlePage(): Promise<Map<string, PageAsset>> {
  const entryPoints = Object.fromEntries(
    Object.entries(SCRIPTS).map(([urlPath, file]) => [
      basename(urlPath, '.js'),
      fileURLToPath(new URL(file, BROWSER_DIR)),
    ]),
  );
  const result = await build({
    entryPoints,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    outdir: 'page',
    sourcemap: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = new Map<string, PageAsset>();
  for (const [urlPath, [file, contentType]] of Object.entries(STATIC_FILES)) {
    assets.set(urlPath, { contentType, body: new Uint8Array(await readFile(new URL(file, BROWSER_DIR))) });
  }
  const require = createRequire(import.meta.url);
  for (const [urlPath, [file, contentType]] of Object.entries(PACKAGE_FILES)) {
    assets.set(urlPath, { contentType, body: new Uint8Array(await readFile(require.resolve(file))) });
  }
  for (const output of result.outputFiles) {
    assets.set(`/${basename(output.path)}`, { contentType: 'text/javascript; charset=utf-8', body: output.contents });
  }
  return assets;
}
