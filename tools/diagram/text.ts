/**
 * Text for Graphviz HTML-like labels: escaping, wrapping long text at word boundaries (never cutting it), and the
 * colours and font every part of a drawing shares.
 */

export type Status = 'added' | 'removed' | 'changed' | 'same';

export const STATUS_COLOUR: Readonly<Record<Status, string>> = {
  added: '#1a7f37',
  removed: '#cf222e',
  changed: '#bc4c00',
  same: '#8c959f',
};
/** A rule the policy gate denies. */
export const VIOLATION_COLOUR = '#d1242f';
/** Exposure to the internet the policy gate accepts. */
export const PUBLIC_COLOUR = '#0969da';
export const INK = '#24292f';
export const MUTED = '#57606a';
export const FAINT = '#8c959f';

/**
 * The font Graphviz sizes every text with. DejaVu Sans is the widest of the common sans fonts (Graphviz knows its
 * metrics), so a box sized for it also holds the text in Arial or Helvetica; render.ts names those as fallbacks in
 * the SVG for viewers without DejaVu.
 */
export const FONT = 'DejaVu Sans';

/** Text for an HTML-like label. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Lines of at most `width` characters, broken at spaces (a word longer than the width keeps a line of its own, whole;
 * a no-break space keeps two words together, as in `HTTPS :443`).
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/[ \t\n]+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Wrapped text as label markup, lines left-aligned. */
export function wrapped(text: string, width: number): string {
  return wrap(text, width).map(html).join('<BR ALIGN="LEFT"/>');
}

/**
 * Port items of one arrow as one phrase: `:80 IPv4`, `:80 IPv6`, `:443 IPv4`, `:443 IPv6` -> `:80, :443 (IPv4, IPv6)`;
 * items without an address family are listed as they are.
 */
export function portsPhrase(items: readonly string[]): string {
  const families = new Map<string, Set<string>>();
  const plain: string[] = [];
  for (const item of items) {
    const m = /^(.*) (IPv4|IPv6)$/.exec(item);
    if (!m) plain.push(item);
    else families.set(m[1], new Set([...(families.get(m[1]) ?? []), m[2]]));
  }
  const sets = [...families.values()].map((s) => [...s].sort().join(', '));
  const grouped =
    families.size && new Set(sets).size === 1
      ? [`${[...families.keys()].join(', ')} (${sets[0]})`]
      : [...families].map(([port, fam]) => `${port} (${[...fam].sort().join(', ')})`);
  return [...grouped, ...plain].join(', ');
}
