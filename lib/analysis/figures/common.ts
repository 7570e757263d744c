import type { TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec };

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Options every figure builder takes. */
export interface FigureOptions {
  readonly title?: string;
  /** Plot area in pixels (default 400 × 250). */
  readonly width?: number;
  readonly height?: number;
}

export type ScaleType = 'linear' | 'log' | 'sqrt';

/**
 * A column name as a Vega-Lite field reference. Vega-Lite reads `a.b` as a nested path, and every
 * vmft parameter is a dotted key (`remus.epochMs`), so dots and brackets are escaped.
 */
export function field(name: string): string {
  return name.replace(/([.[\]\\])/g, '\\$1');
}

/** title/width/height for the top level of a spec. */
export function frame(opts: FigureOptions): { title?: string; width: number; height: number } {
  return {
    ...(opts.title === undefined ? {} : { title: opts.title }),
    width: opts.width ?? 400,
    height: opts.height ?? 250,
  };
}

/** Scale settings for an axis (undefined for the default linear scale). */
export function scale(type: ScaleType | undefined): { type: ScaleType } | undefined {
  if (type === undefined || type === 'linear') return undefined;
  return { type };
}

/** True for a finite number — rows whose plotted value is missing (NaN, null) are left out. */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
