/**
 * Bundles the in-tab site's code and page into dist/in-tab/ (part of `npm run build`):
 * `phonestream static` in an installed package copies these files and needs no bundler at run
 * time (src/static-site/static-site-assets.ts).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { bundleStaticSite } from '../src/static-site/bundle-static-site.ts';

const outDir = new URL('../dist/in-tab/', import.meta.url);
const files = await bundleStaticSite();
await rm(outDir, { recursive: true, force: true });
for (const [name, body] of files) {
  const target = new URL(name, outDir);
  await mkdir(new URL('./', target), { recursive: true });
  await writeFile(target, body);
  if (process.argv.includes('--verbose')) console.log(`dist/in-tab/${name}  ${body.length} bytes`);
}
