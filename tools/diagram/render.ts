/**
 * DOT to SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no system binary, no browser, no
 * network. Graphviz's layout is deterministic for a given input and version (the package is pinned), so the
 * committed diagrams can be checked for drift.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { FONT } from './text';

let graphviz: Promise<Graphviz> | undefined;

/** Loads the wasm once per process (~0.1 s). */
export function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load();
  return graphviz;
}

/**
 * Lays out and draws a DOT graph as SVG text ending with one newline. Graphviz sized every text for FONT (DejaVu
 * Sans); the SVG names narrower fonts after it, so a viewer without DejaVu still draws each text inside its box.
 */
export async function renderSvg(dot: string): Promise<string> {
  const g = await loadGraphviz();
  const svg = g
    .layout(dot, 'svg', 'dot')
    .replaceAll(`font-family="${FONT}"`, `font-family="${FONT},Arial,Helvetica,sans-serif"`);
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}
