import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { KERNEL_FILES, KERNEL_NAMES, kernelFileName } from '../kernels/kernel-files.ts';
import { SITE_FILES } from './site-files.ts';

const BROWSER_DIR = new URL('../browser/', import.meta.url);
const KERNELS_DIR = new URL('../kernels/', import.meta.url);

/**
 * The esbuild plugin that gives a browser bundle the browser's variant of a module: an import of
 * `./x.ts` resolves to `./x.browser.ts` when that file exists (the kernels' fetch-based reader,
 * meyda's ESM filterbank). What package.json's `browser` field does for consumers' bundlers.
 */
export const browserVariants: Plugin = {
  name: 'phonestream-browser-variants',
  setup(b) {
    b.onResolve({ filter: /^\.{1,2}\/.*\.ts$/ }, (args) => {
      const variant = join(args.resolveDir, args.path.replace(/\.ts$/, '.browser.ts'));
      return existsSync(variant) ? { path: variant } : undefined;
    });
  },
};

/**
 * The esbuild plugin that bundles `@tensorflow/tfjs` as its core and cpu backend (tfjs-browser.ts):
 * a third of the union package's size.
 */
export const tfjsCore: Plugin = {
  name: 'phonestream-tfjs-core',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({ path: fileURLToPath(new URL('tfjs-browser.ts', import.meta.url)) }));
  },
};

/**
 * Bundles the in-tab site's code in memory (part of the build, into dist/in-tab/; run afresh from
 * the TypeScript sources): src/browser/in-tab-main.ts and the microphone's AudioWorklet as ES
 * modules, with the browser variants of our modules, minified (tfjs is most of it); the page's
 * html and css; our two wasm kernels beside the script; tfjs's wasm backend files in `tfjs/`.
 * No checkpoint: `writeStaticSite` adds the one asked for. esbuild is a development dependency:
 * this module is not part of dist/.
 *
 * @returns site path (no leading slash) → bytes, one entry per file of SITE_FILES.
 * @throws esbuild's error naming file and line when the browser code does not build, e.g. when a
 *   Node import reaches it.
 */
export async function bundleStaticSite(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    entryPoints: {
      'in-tab': fileURLToPath(new URL('in-tab-main.ts', BROWSER_DIR)),
      'mic-worklet': fileURLToPath(new URL('mic-worklet.ts', BROWSER_DIR)),
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    outdir: 'in-tab',
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [browserVariants, tfjsCore],
  });
  const files = new Map<string, Uint8Array>();
  for (const output of result.outputFiles) files.set(basename(output.path), output.contents);
  const copy = async (name: string, from: URL | string) => files.set(name, new Uint8Array(await readFile(from)));
  await copy('index.html', new URL('in-tab.html', BROWSER_DIR));
  await copy('page.css', new URL('page.css', BROWSER_DIR));
  await copy('in-tab.css', new URL('in-tab.css', BROWSER_DIR));
  await copy('favicon.svg', new URL('favicon.svg', BROWSER_DIR));
  const require = createRequire(import.meta.url);
  await copy('uplot.css', require.resolve('uplot/dist/uPlot.min.css'));
  for (const name of KERNEL_NAMES) await copy(kernelFileName(name), new URL(KERNEL_FILES[name], KERNELS_DIR));
  const tfjsWasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  for (const name of SITE_FILES.filter((f) => f.startsWith('tfjs/'))) await copy(name, join(tfjsWasmDir, basename(name)));
  const missing = SITE_FILES.filter((f) => !files.has(f));
  const extra = [...files.keys()].filter((f) => !SITE_FILES.includes(f));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`bundleStaticSite: out of step with SITE_FILES (missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'})`);
  }
  return files;
}
