/**
 * Writes the live microphone page to dist/page/ for inspection (`npm run build:page`). The server
 * does not need it: `buildPageAssets()` builds the same files in memory at start-up.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { buildPageAssets } from '../src/server/page-assets.ts';

const outDir = new URL('../dist/page/', import.meta.url);
const assets = await buildPageAssets();
await mkdir(outDir, { recursive: true });
for (const [urlPath, asset] of assets) {
  await writeFile(new URL(`.${urlPath}`, outDir), asset.body);
  console.log(`dist/page${urlPath}  ${asset.body.length} bytes  ${asset.contentType}`);
}
