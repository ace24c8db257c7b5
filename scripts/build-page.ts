/**
 * Bundles the live microphone page into dist/page/ (part of `npm run build`): an installed
 * package serves these files (src/server/page-assets.ts) and needs no bundler at run time.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { bundlePage } from '../src/server/bundle-page.ts';

const outDir = new URL('../dist/page/', import.meta.url);
const assets = await bundlePage();
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
for (const [urlPath, asset] of assets) {
  await writeFile(new URL(`.${urlPath}`, outDir), asset.body);
  if (process.argv.includes('--verbose')) console.log(`dist/page${urlPath}  ${asset.body.length} bytes  ${asset.contentType}`);
}
