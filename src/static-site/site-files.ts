/**
 * The in-tab site's code and page, as `phonestream static` writes them (paths relative to the
 * site's root). The checkpoint goes in `checkpoint/` beside them. The build writes exactly these
 * into dist/in-tab/; bundle-static-site.ts checks it produced exactly these.
 */
export const SITE_FILES: readonly string[] = [
  'index.html',
  'in-tab.js',
  'mic-worklet.js',
  'page.css',
  'in-tab.css',
  'uplot.css',
  'favicon.svg',
  'lstm-kernels.wasm',
  'mfcc-kernels.wasm',
  'tfjs/tfjs-backend-wasm.wasm',
  'tfjs/tfjs-backend-wasm-simd.wasm',
  'tfjs/tfjs-backend-wasm-threaded-simd.wasm',
];

/** The directory of the site the checkpoint is copied into (the page loads it from there). */
export const CHECKPOINT_DIR = 'checkpoint';
