import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { studyPlots } from './plot-study.ts';
import { renderSpecToSvg } from './render-spec.ts';
import type { StudyResults } from './study-results.ts';

/**
 * OUT/plots/NAME.svg for each of the study's plots that has data (see studyPlots); returns the
 * paths written. study.md embeds the same plots.
 *
 * ## Example
 * ```ts
 * await writeStudyPlots(JSON.parse(await readFile('docs/study/results.json', 'utf8')), 'docs/study');
 * ```
 */
export async function writeStudyPlots(results: StudyResults, outDir: string): Promise<string[]> {
  const dir = join(outDir, 'plots');
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const plot of studyPlots(results)) {
    const path = join(dir, `${plot.name}.svg`);
    await writeFile(path, `${await renderSpecToSvg(plot.spec)}\n`);
    written.push(path);
  }
  return written;
}
