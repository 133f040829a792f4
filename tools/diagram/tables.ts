/**
 * The tables on the right of a drawing, as one HTML-like label: the legend (only what this drawing holds: a drawing
 * without security groups has no security-group row), the panels of every other resource by category, laid out in
 * columns that grow with their rows (long names wrap, nothing is cut), and in a change drawing the change table.
 */
import type { PanelRow, Picture } from './picture';
import {
  FAINT,
  html,
  INK,
  MUTED,
  PUBLIC_COLOUR,
  STATUS_COLOUR,
  VIOLATION_COLOUR,
  wrap,
  wrapped,
  type Status,
} from './text';

export interface ChangeRow {
  readonly address: string;
  readonly change: Exclude<Status, 'same'>;
  readonly what: string;
}

/** Panel names and notes wrap at this many characters; kinds are short and stay on one line. */
const NAME_WIDTH = 50;
/** Change-table rows drawn; the rest are in changes.md, which the drawing names. */
const CHANGE_ROWS = 40;

const TABLE = 'BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"';

function drawnSample(colour: string, glyph: string): string {
  return `<FONT COLOR="${colour}"><B>${html(glyph)}</B></FONT> `;
}

/** The legend rows this picture needs, as label markup. */
export function legendRows(p: Picture, diff: boolean): string[] {
  const kinds = new Set(p.edges.map((e) => e.kind));
  const rows: string[] = [];
  // In a change drawing colours say added/removed/changed: the arrows' kinds are told by their style and words.
  const sample = (colour: string, glyph: string): string => drawnSample(diff ? MUTED : colour, glyph);
  if (diff)
    for (const s of ['added', 'removed', 'changed', 'same'] as const)
      rows.push(`${drawnSample(STATUS_COLOUR[s], '■')}${s === 'same' ? 'unchanged' : s}`);
  if (kinds.has('public'))
    rows.push(`${sample(PUBLIC_COLOUR, '──▶')}public: open to the whole internet, and the policy gate accepts it`);
  if (kinds.has('violation') || p.nodes.some((n) => n.denied?.length))
    rows.push(`${sample(VIOLATION_COLOUR, '⚠ ──▶')}a rule the policy gate denies (the rule id on the label)`);
  if (kinds.has('traffic'))
    rows.push(`${sample(MUTED, '──▶')}traffic security groups allow, client to server, port on the label`);
  if (kinds.has('egress'))
    rows.push(
      `${sample(FAINT, '╌╌▶')}egress out of the VPC, to the next hop of the subnet's route (NAT or internet gateway)`,
    );
  if (kinds.has('route'))
    rows.push(
      `${sample(FAINT, '┈┈▶')}default route: NAT gateway → internet gateway → internet (a private subnet's: under its range)`,
    );
  if (p.nodes.some((n) => n.lines.some((l) => / the VPC /.test(l))))
    rows.push('a line "egress/ingress :port to/from the VPC" in a box: a rule for a range inside the VPC');
  if (kinds.has('iam')) {
    const relations = [...new Set(p.edges.filter((e) => e.kind === 'iam').flatMap((e) => e.items))].sort();
    rows.push(`${sample(MUTED, '──▶')}IAM relation named on the label: ${relations.join(', ')}`);
  }
  return rows;
}

function legendTable(p: Picture, diff: boolean): string {
  const rows = legendRows(p, diff);
  return [
    `<TABLE ${TABLE} COLOR="${FAINT}" BGCOLOR="#ffffff">`,
    '<TR><TD ALIGN="LEFT" BGCOLOR="#eaeef2"><B>Legend</B></TD></TR>',
    ...rows.map((r) => `<TR><TD ALIGN="LEFT" BALIGN="LEFT">${r}</TD></TR>`),
    '</TABLE>',
  ].join('');
}

/** A run of rows of one category within a column; `continued` when the category began in the column before. */
interface Segment {
  readonly category: string;
  readonly rows: PanelRow[];
  readonly continued: boolean;
}

/** How many text lines a row takes once wrapped. */
function rowLines(r: PanelRow): number {
  const extra = [r.note, r.with.length ? `+ ${r.with.join(', ')}` : undefined].filter((x): x is string => !!x);
  return [r.name, ...extra].reduce((n, t) => n + wrap(t, NAME_WIDTH).length, 0);
}

/**
 * The rows in order, split into `count` columns of about the same number of lines (a category that does not fit
 * continues at the top of the next column under its name again). Columns of one height keep the table from
 * stretching the shorter one.
 */
function columns(rows: readonly PanelRow[], count: number): Segment[][] {
  const total = rows.reduce((n, r) => n + rowLines(r), 0) + new Set(rows.map((r) => r.category)).size;
  const target = total / count;
  const out: Segment[][] = [[]];
  let used = 0;
  for (const r of rows) {
    let col = out[out.length - 1];
    let last = col[col.length - 1];
    const cost = rowLines(r) + (last?.category === r.category ? 0 : 1);
    if (used > 0 && used + cost > target && out.length < count) {
      col = [];
      out.push(col);
      used = 0;
      const continued = last?.category === r.category;
      last = { category: r.category, rows: [], continued };
      col.push(last);
      used += 1;
    } else if (last?.category !== r.category) {
      last = { category: r.category, rows: [], continued: false };
      col.push(last);
      used += 1;
    }
    last.rows.push(r);
    used += rowLines(r);
  }
  return out.filter((c) => c.length);
}

function categoryTable(segments: readonly Segment[], diff: boolean, statusOf: (id: string) => Status): string {
  const out = [`<TABLE ${TABLE} COLOR="${FAINT}" BGCOLOR="#ffffff">`];
  for (const seg of segments) {
    const title = `${seg.category}${seg.continued ? ' (continued)' : ''}`;
    out.push(`<TR><TD COLSPAN="2" ALIGN="LEFT" BGCOLOR="#eaeef2"><B>${html(title)}</B></TD></TR>`);
    for (const r of seg.rows) {
      const s = statusOf(r.id);
      const colour = diff ? (s === 'same' ? MUTED : STATUS_COLOUR[s]) : INK;
      const name = wrapped(r.name + (diff && s !== 'same' ? ` (${s})` : ''), NAME_WIDTH);
      const extra = [r.note, r.with.length ? `+ ${r.with.join(', ')}` : undefined].filter((x): x is string => !!x);
      const detail = extra.map((x) => `<BR ALIGN="LEFT"/><FONT COLOR="${MUTED}">${wrapped(x, NAME_WIDTH)}</FONT>`);
      out.push(
        `<TR><TD ALIGN="LEFT" VALIGN="TOP"><FONT COLOR="${MUTED}">${html(r.kind)}</FONT></TD>` +
          `<TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="${colour}">${s === 'same' ? name : `<B>${name}</B>`}</FONT>${detail.join('')}<BR ALIGN="LEFT"/></TD></TR>`,
      );
    }
  }
  out.push('</TABLE>');
  return out.join('');
}

function changeTable(changes: readonly ChangeRow[]): string {
  const table = [
    `<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="${FAINT}" BGCOLOR="#ffffff">`,
  ];
  table.push(`<TR><TD COLSPAN="3" ALIGN="LEFT" BGCOLOR="#eaeef2"><B>Changes (${changes.length})</B></TD></TR>`);
  table.push(
    '<TR><TD ALIGN="LEFT"><B>address</B></TD><TD ALIGN="LEFT"><B>change</B></TD><TD ALIGN="LEFT"><B>what changed</B></TD></TR>',
  );
  for (const c of changes.slice(0, CHANGE_ROWS))
    table.push(
      `<TR><TD ALIGN="LEFT" BALIGN="LEFT">${wrapped(c.address, 60)}</TD><TD ALIGN="LEFT"><FONT COLOR="${STATUS_COLOUR[c.change]}"><B>${c.change}</B></FONT></TD><TD ALIGN="LEFT" BALIGN="LEFT">${wrapped(c.what, 60)}</TD></TR>`,
    );
  if (changes.length > CHANGE_ROWS)
    table.push(
      `<TR><TD COLSPAN="3" ALIGN="LEFT">and ${changes.length - CHANGE_ROWS} more rows in changes.md beside this drawing</TD></TR>`,
    );
  if (changes.length === 0) table.push('<TR><TD COLSPAN="3" ALIGN="LEFT">no change</TD></TR>');
  table.push('</TABLE>');
  return table.join('');
}

/** Legend, panels in columns of one height, and (change drawing) the change table, as one label. */
export function panelLabel(
  p: Picture,
  options: { status?: ReadonlyMap<string, Status>; changes?: readonly ChangeRow[] },
  statusOf: (id: string) => Status,
): string {
  const diff = options.status !== undefined;
  const cols = columns(p.panel, p.panel.length > 12 ? 2 : 1);
  const span = Math.max(cols.length, 1);
  const out = ['<TABLE BORDER="0" CELLSPACING="8" CELLPADDING="0">'];
  out.push(`<TR><TD COLSPAN="${span}" ALIGN="LEFT">${legendTable(p, diff)}</TD></TR>`);
  if (options.changes) out.push(`<TR><TD COLSPAN="${span}" ALIGN="LEFT">${changeTable(options.changes)}</TD></TR>`);
  if (cols.length) {
    const resources = p.panel.reduce((n, r) => n + r.addresses.length, 0);
    out.push(
      `<TR><TD COLSPAN="${span}" ALIGN="LEFT"><B>Every other resource of the stack, by kind: ${resources} resources in ${p.panel.length} rows</B></TD></TR>`,
    );
    out.push(`<TR>${cols.map((c) => `<TD VALIGN="TOP">${categoryTable(c, diff, statusOf)}</TD>`).join('')}</TR>`);
  }
  out.push('</TABLE>');
  return `<${out.join('')}>`;
}
