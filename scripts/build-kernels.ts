/**
 * Builds the wasm SIMD kernels: src/learner/kernels/lstm-kernels.as (AssemblyScript) →
 * src/learner/kernels/lstm-kernels.wasm, which is committed so users need no build step.
 *
 *   npx tsx scripts/build-kernels.ts            # rebuild in place
 *   npx tsx scripts/build-kernels.ts --out F    # write elsewhere (the reproducibility test does)
 *
 * The source has a .as extension so that `tsc` (which type-checks everything under src/) does not
 * read AssemblyScript; asc wants .ts, so it is copied to a temporary .ts file first.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const source = join(root, 'src/learner/kernels/lstm-kernels.as');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'src/learner/kernels/lstm-kernels.wasm');

/** The asc flags: SIMD on, memory imported from JS (env.memory), no GC runtime, release build. */
const ASC_FLAGS = ['--enable', 'simd', '--importMemory', '--runtime', 'stub', '--noAssert', '-O3', '--converge'];

const dir = mkdtempSync(join(tmpdir(), 'phonestream-kernels-'));
try {
  const tsCopy = join(dir, 'lstm-kernels.ts');
  copyFileSync(source, tsCopy);
  const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
  execFileSync(process.execPath, [asc, tsCopy, '-o', out, ...ASC_FLAGS], { stdio: 'inherit' });
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
