import { existsSync, readFileSync } from 'node:fs';

/**
 * Where this package's files are at run time. The same modules run from the TypeScript sources
 * (src/, through tsx: tests and a clone's development) and from the build (dist/src/, in an
 * installed package), one directory deeper; paths to package.json, bin/ and fixtures/ therefore
 * start from the package root, found by walking up to package.json, never from a fixed `../..`.
 */

/** True when this module runs as TypeScript source (tsx), false when it runs from dist/. */
export const RUNS_FROM_SOURCES: boolean = import.meta.url.endsWith('.ts');

function findPackageRoot(start: URL): URL {
  for (let dir = start; ; ) {
    if (existsSync(new URL('package.json', dir))) return dir;
    const up = new URL('../', dir);
    if (up.href === dir.href) throw new Error(`phonestream: no package.json above ${start.href}`);
    dir = up;
  }
}

/** The package's root directory (the one holding its package.json), as a file: URL ending in '/'. */
export const PACKAGE_ROOT: URL = findPackageRoot(new URL('./', import.meta.url));

/** The package's version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string };
  return pkg.version;
}
