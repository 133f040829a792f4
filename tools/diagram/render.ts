/**
 * DOT to SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no system binary, no browser, no
 * network. Graphviz's layout is deterministic for a given input and version (the package is pinned), so the
 * committed diagrams can be checked for drift.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let graphviz: Promise<Graphviz> | undefined;

/** Loads the wasm once per process (~0.1 s). */
export function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load();
  return graphviz;
}

/** Lays out and draws a DOT graph as SVG text ending with one newline. */
export async function renderSvg(dot: string): Promise<string> {
  const g = await loadGraphviz();
  const svg = g.layout(dot, 'svg', 'dot');
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}
