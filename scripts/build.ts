/**
 * The package's build (`npm run build`, run by `prepare`): dist/ holds what an installed package
 * runs, no TypeScript and no bundler needed at run time.
 *   1. tsc -p tsconfig.build.json: src/ and pipelines/ to ES modules + declarations in dist/
 *      (`rewriteRelativeImportExtensions` turns `./x.ts` into `./x.js` in the JavaScript);
 *   2. the same rewrite in the declarations, which tsc leaves as written;
 *   3. the wasm kernels copied beside their compiled loaders (they are read next to the module);
 *   4. the live microphone page bundled into dist/page/ (scripts/build-page.ts);
 *   5. the in-tab site's code and page bundled into dist/in-tab/ (scripts/build-in-tab.ts).
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

await rm(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// Relative specifiers only: `from './x.ts'`, `import('./x.ts')`.
const TS_SPECIFIER = /((?:from\s+|import\()['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g;
let declarations = 0;
for await (const file of walk(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = await readFile(file, 'utf8');
  const rewritten = text.replace(TS_SPECIFIER, '$1.js$2');
  if (rewritten !== text) await writeFile(file, rewritten);
  declarations++;
}

let kernels = 0;
for await (const file of walk(join(root, 'src'))) {
  if (!file.endsWith('.wasm')) continue;
  const target = join(dist, 'src', relative(join(root, 'src'), file));
  await mkdir(dirname(target), { recursive: true });
  await copyFile(file, target);
  kernels++;
}

await import('./build-page.ts');
await import('./build-in-tab.ts');
console.log(`dist/: ${declarations} declaration files, ${kernels} wasm kernels, the page in dist/page/, the in-tab site in dist/in-tab/`);
