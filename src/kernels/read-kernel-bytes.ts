import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { KERNEL_FILES, type KernelName } from './kernel-files.ts';

/**
 * Node's way to a kernel: its file, read beside this module (src/ or dist/src/). Bundlers for
 * the browser use read-kernel-bytes.browser.ts instead (package.json `browser`, and the esbuild
 * plugin of scripts/bundle-in-tab.ts), which has no `fs`.
 */

/** True where kernels can be compiled synchronously on first use (Node: yes). */
export const CAN_COMPILE_SYNC = true;

/** Compiles a kernel at once from its file (what every Node caller has always done). */
export function compileKernelSync(name: KernelName): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(new URL(KERNEL_FILES[name], import.meta.url)));
}

/**
 * Compiles a kernel without blocking. `baseUrl` is ignored in Node: the files are always beside
 * the package's modules.
 */
export async function compileKernel(name: KernelName, _baseUrl?: string | URL): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(new URL(KERNEL_FILES[name], import.meta.url)));
}
