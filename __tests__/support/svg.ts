/**
 * Reads a Graphviz SVG the way the diagram tests judge it: its nodes, clusters and edges by their titles (the DOT ids),
 * the texts each one carries, the colours they are drawn in, and whether every text fits inside the box drawn around
 * it when resvg lays it out with the fonts a reader's renderer finds (see png.ts).
 */
import { Resvg } from '@resvg/resvg-js';
import { RENDER_OPTIONS } from './png';

export interface SvgText {
  /** The element as written, to measure it as it is. */
  readonly xml: string;
  readonly content: string;
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'middle' | 'end';
  readonly fontSize: number;
  readonly fill?: string;
}

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface SvgGroup {
  readonly kind: 'node' | 'edge' | 'cluster';
  /** The DOT id: a node or cluster name, `from->to` for an edge. */
  readonly title: string;
  /** The group's id attribute (the edge id the drawing sets, or Graphviz's nodeN / edgeN). */
  readonly id: string;
  readonly texts: readonly SvgText[];
  readonly strokes: readonly string[];
  readonly dashed: boolean;
  readonly boxes: readonly Box[];
}

export interface SvgEdge extends SvgGroup {
  readonly from: string;
  readonly to: string;
  /** The label as one line. */
  readonly label: string;
}

export interface ParsedSvg {
  readonly nodes: readonly SvgGroup[];
  readonly clusters: readonly SvgGroup[];
  readonly edges: readonly SvgEdge[];
  /** Every text of the drawing, in document order. */
  readonly texts: readonly SvgText[];
}

export function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]) : undefined;
}

function texts(body: string): SvgText[] {
  return [...body.matchAll(/<text\b([^>]*)>([\s\S]*?)<\/text>/g)].map((m) => ({
    xml: m[0],
    content: decode(m[2]),
    x: Number(attr(m[1], 'x')),
    y: Number(attr(m[1], 'y')),
    anchor: (attr(m[1], 'text-anchor') ?? 'start') as SvgText['anchor'],
    fontSize: Number(attr(m[1], 'font-size') ?? 14),
    fill: attr(m[1], 'fill'),
  }));
}

function boundsOf(numbers: number[]): Box | undefined {
  if (numbers.length < 4) return undefined;
  const xs = numbers.filter((_, i) => i % 2 === 0);
  const ys = numbers.filter((_, i) => i % 2 === 1);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

/** The boxes a group draws: polygons and paths (rounded boxes) by their points, ellipses by their radii. */
function boxes(body: string): Box[] {
  const out: Box[] = [];
  for (const m of body.matchAll(/<(polygon|path|ellipse)\b([^>]*)\/>/g)) {
    const tag = m[2];
    if (m[1] === 'ellipse') {
      const [cx, cy, rx, ry] = ['cx', 'cy', 'rx', 'ry'].map((k) => Number(attr(tag, k)));
      out.push({ left: cx - rx, right: cx + rx, top: cy - ry, bottom: cy + ry });
      continue;
    }
    const points = attr(tag, m[1] === 'polygon' ? 'points' : 'd') ?? '';
    const box = boundsOf([...points.matchAll(/-?\d+(?:\.\d+)?/g)].map((n) => Number(n[0])));
    if (box) out.push(box);
  }
  return out;
}

export function parseSvg(svg: string): ParsedSvg {
  const nodes: SvgGroup[] = [];
  const clusters: SvgGroup[] = [];
  const edges: SvgEdge[] = [];
  for (const m of svg.matchAll(/<g id="([^"]*)" class="(node|edge|cluster)">([\s\S]*?)<\/g>/g)) {
    const body = m[3];
    const title = decode(/<title>([\s\S]*?)<\/title>/.exec(body)?.[1] ?? '');
    const group: SvgGroup = {
      kind: m[2] as SvgGroup['kind'],
      title,
      id: decode(m[1]),
      texts: texts(body),
      strokes: [...body.matchAll(/\sstroke="([^"]*)"/g)].map((s) => s[1]),
      dashed: /stroke-dasharray/.test(body),
      boxes: boxes(body),
    };
    if (group.kind === 'edge') {
      const [from, to] = title.split('->');
      edges.push({ ...group, from, to, label: group.texts.map((t) => t.content).join(' ') });
    } else (group.kind === 'node' ? nodes : clusters).push(group);
  }
  return { nodes, clusters, edges, texts: texts(svg) };
}

/** Whether a box holds a text's anchor. */
function holds(b: Box, t: SvgText): boolean {
  const midY = t.y - t.fontSize * 0.35;
  return b.left <= t.x && t.x <= b.right && b.top <= midY && midY <= b.bottom;
}

/**
 * The rows of the legend: the texts after the one that reads "Legend" inside the smallest drawn box (the legend's
 * table) that holds it and more, one row per baseline (a coloured sample and its words are two texts on one line).
 */
export function legendRows(p: ParsedSvg): string[] {
  const holder = [...p.nodes, ...p.clusters].find((g) => g.texts.some((t) => t.content === 'Legend'));
  if (!holder) return [];
  const title = holder.texts.find((t) => t.content === 'Legend')!;
  const table = holder.boxes
    .filter((b) => holds(b, title) && holder.texts.filter((t) => holds(b, t)).length > 1)
    .sort((a, b) => (a.right - a.left) * (a.bottom - a.top) - (b.right - b.left) * (b.bottom - b.top))[0];
  const inside = holder.texts.filter((t) => t.y > title.y && (!table || holds(table, t)));
  const lines = new Map<number, string[]>();
  for (const t of inside) lines.set(t.y, [...(lines.get(t.y) ?? []), t.content]);
  return [...lines.values()].map((parts) => parts.join('').trim());
}

const widthCache = new Map<string, number>();

/** The width resvg gives a text element as written (its font, size and weight), in the SVG's units. */
export function measuredWidth(t: SvgText): number {
  const key = t.xml.replace(/\sx="[^"]*"|\sy="[^"]*"|\sfill="[^"]*"/g, '');
  const hit = widthCache.get(key);
  if (hit !== undefined) return hit;
  const alone = t.xml
    .replace(/\sx="[^"]*"/, ' x="10"')
    .replace(/\sy="[^"]*"/, ' y="100"')
    .replace(/\stext-anchor="[^"]*"/, ' text-anchor="start"');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="6000" height="200">${alone}</svg>`;
  const box = new Resvg(svg, RENDER_OPTIONS).getBBox();
  const width = box ? box.x + box.width - 10 : 0;
  widthCache.set(key, width);
  return width;
}

export interface Overflow {
  readonly group: string;
  readonly text: string;
  /** How far the text reaches past its box, in points. */
  readonly by: number;
}

/**
 * Texts of nodes and clusters that reach past the box around them (the smallest drawn box that holds the text's
 * anchor), measured as resvg lays them out. Returns the overflows and how many texts were checked.
 */
export function overflowingTexts(p: ParsedSvg, tolerance = 0.5): { overflows: Overflow[]; checked: number } {
  const overflows: Overflow[] = [];
  let checked = 0;
  for (const g of [...p.nodes, ...p.clusters]) {
    for (const t of g.texts) {
      const around = g.boxes
        .filter((b) => holds(b, t))
        .sort((a, b) => (a.right - a.left) * (a.bottom - a.top) - (b.right - b.left) * (b.bottom - b.top))[0];
      if (!around) continue;
      checked++;
      const w = measuredWidth(t);
      const [left, right] =
        t.anchor === 'start' ? [t.x, t.x + w] : t.anchor === 'end' ? [t.x - w, t.x] : [t.x - w / 2, t.x + w / 2];
      const by = Math.max(around.left - left, right - around.right);
      if (by > tolerance) overflows.push({ group: g.title, text: t.content, by: Math.round(by * 10) / 10 });
    }
  }
  return { overflows, checked };
}
