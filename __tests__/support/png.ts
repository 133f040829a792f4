/**
 * Looks at an SVG the way a reader does: rendered to PNG by resvg (@resvg/resvg-js, a maintained Rust renderer,
 * no browser), then measured: its size, how much of it is not background, and how many pixels carry a colour.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/** How the tests render: white background, the fonts installed on the machine (as a reader's viewer finds them). */
export const RENDER_OPTIONS: ResvgRenderOptions = { background: 'white', font: { loadSystemFonts: true } };

export interface Looked {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** Share of pixels that are not (near) white, 0..1. */
  readonly inked: number;
  /** Pixels within a small distance of the colour. */
  count(hex: string, tolerance?: number): number;
}

/** The size the SVG declares, in CSS pixels (Graphviz writes points: 1 pt = 4/3 px). */
export function declaredSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*?width="([\d.]+)(pt|px)?"[^>]*?height="([\d.]+)(pt|px)?"/s.exec(svg);
  if (!m) throw new Error('no width/height on the <svg> element');
  const scale = (unit?: string) => (unit === 'pt' ? 4 / 3 : 1);
  return { width: Math.round(Number(m[1]) * scale(m[2])), height: Math.round(Number(m[3]) * scale(m[4])) };
}

export function look(svg: string): Looked {
  const rendered = new Resvg(svg, RENDER_OPTIONS).render();
  const pixels = rendered.pixels;
  let inked = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) inked++;
  const total = rendered.width * rendered.height;
  return {
    png: rendered.asPng(),
    width: rendered.width,
    height: rendered.height,
    inked: inked / total,
    count(hex: string, tolerance = 24): number {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4)
        if (
          Math.abs(pixels[i] - r) <= tolerance &&
          Math.abs(pixels[i + 1] - g) <= tolerance &&
          Math.abs(pixels[i + 2] - b) <= tolerance
        )
          n++;
      return n;
    },
  };
}
