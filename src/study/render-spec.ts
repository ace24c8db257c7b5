import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A vega-lite spec as an SVG document, headless: compiled to vega, run in a View with no renderer
 * (no DOM, no canvas: text is measured by vega's estimate, so the same spec gives the same SVG).
 *
 * ## Example
 * ```ts
 * await writeFile('plot.svg', await renderSpecToSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x' }, y: { field: 'y' } } }));
 * ```
 */
export async function renderSpecToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
