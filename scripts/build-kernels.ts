/**
 * Builds the wasm SIMD kernels from their AssemblyScript sources, which are committed with the
 * built .wasm so users need no build step:
 * - `lstm`: src/learner/kernels/lstm-kernels.as → src/learner/kernels/lstm-kernels.wasm;
 * - `mfcc`: src/features/kernels/mfcc-kernels.as → src/features/kernels/mfcc-kernels.wasm.
 *
 *   npx tsx scripts/build-kernels.ts                    # rebuild both in place
 *   npx tsx scripts/build-kernels.ts mfcc               # rebuild one
 *   npx tsx scripts/build-kernels.ts mfcc --out F       # write elsewhere (the reproducibility tests do)
 *
 * Without a module name, `--out F` builds `lstm` (what test/learner/kernels.test.ts has always run).
 * The sources have a .as extension so that `tsc` (which type-checks everything under src/) does not
 * read AssemblyScript; asc wants .ts, so each is copied to a temporary .ts file first.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MODULES: Record<string, string> = {
  lstm: 'src/learner/kernels/lstm-kernels',
  mfcc: 'src/features/kernels/mfcc-kernels',
};

/** The asc flags: SIMD on, memory imported from JS (env.memory), no GC runtime, release build. */
const ASC_FLAGS = ['--enable', 'simd', '--importMemory', '--runtime', 'stub', '--noAssert', '-O3', '--converge'];

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? resolve(args[outIndex + 1]) : undefined;
const named = args.filter((_, i) => outIndex < 0 || (i !== outIndex && i !== outIndex + 1));
const names = named.length > 0 ? named : out ? ['lstm'] : Object.keys(MODULES);
for (const name of names) {
  if (!(name in MODULES)) throw new Error(`build-kernels: unknown module ${name} (expected ${Object.keys(MODULES).join(' or ')})`);
}
if (out && names.length !== 1) throw new Error('build-kernels: --out needs exactly one module');

for (const name of names) {
  const base = join(root, MODULES[name]);
  const target = out ?? `${base}.wasm`;
  const dir = mkdtempSync(join(tmpdir(), 'phonestream-kernels-'));
  try {
    const tsCopy = join(dir, `${basename(base)}.ts`);
    copyFileSync(`${base}.as`, tsCopy);
    const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
    execFileSync(process.execPath, [asc, tsCopy, '-o', target, ...ASC_FLAGS], { stdio: 'inherit' });
    console.log(`wrote ${target}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
