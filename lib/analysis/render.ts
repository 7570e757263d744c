import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

/*
 * Rendering is headless: Vega-Lite → Vega → a scenegraph view with renderer 'none' → SVG text;
 * PNG by rasterizing that SVG with resvg (a prebuilt native binary inside its npm package).
 * vega, vega-lite and resvg are imported lazily so that importing the library (the CLI, workers)
 * does not pay for them. When the `canvas` alias (@napi-rs/canvas) is installed, vega measures text
 * with real fonts and labels are laid out correctly; otherwise it estimates widths.
 */

export type FigureFormat = 'svg' | 'png';

export interface RenderOptions {
  readonly format?: FigureFormat;
  /** PNG pixel density (default 2: crisp on high-DPI screens and in reports). */
  readonly scale?: number;
}

export function render(spec: TopLevelSpec, opts?: { format?: 'svg' }): Promise<string>;
export function render(spec: TopLevelSpec, opts: { format: 'png'; scale?: number }): Promise<Buffer>;
export function render(spec: TopLevelSpec, opts?: RenderOptions): Promise<string | Buffer>;
export async function render(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string | Buffer> {
  const svg = await renderSvg(spec);
  return opts.format === 'png' ? svgToPng(svg, opts.scale) : svg;
}

/** Vega-Lite spec → SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize(); // release the view's timers and listeners
  }
}

/** SVG text → PNG bytes. System fonts are loaded; DejaVu (Debian fonts-dejavu-core) is the default. */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Serif',
      monospaceFamily: 'DejaVu Sans Mono',
    },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/**
 * Write `<path>.svg` and `<path>.png` (creating folders), e.g. `saveFigure(spec, 'results/fig/c1')`.
 * Returns the two paths written.
 */
export async function saveFigure(
  spec: TopLevelSpec,
  pathWithoutExt: string,
  opts: { scale?: number } = {},
): Promise<{ svg: string; png: string }> {
  const svg = await renderSvg(spec);
  const png = await svgToPng(svg, opts.scale);
  const paths = { svg: `${pathWithoutExt}.svg`, png: `${pathWithoutExt}.png` };
  await mkdir(dirname(paths.svg), { recursive: true });
  await Promise.all([writeFile(paths.svg, svg), writeFile(paths.png, png)]);
  return paths;
}
