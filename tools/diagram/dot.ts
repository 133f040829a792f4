/**
 * A picture (model.ts) as Graphviz DOT: clusters for the VPC, its tiers and subnets, nodes placed in them,
 * security-group arrows labelled with their ports, world-open ingress in red with a warning sign, the side panel as
 * one table on the right. With statuses (the change drawing) every element takes its change's colour and the
 * unchanged ones fade. Deterministic: the same picture gives the same text.
 */
import type { PicCluster, PicEdge, PicNode, Picture, PanelRow } from './model';

export type Status = 'added' | 'removed' | 'changed' | 'same';

export const STATUS_COLOUR: Readonly<Record<Status, string>> = {
  added: '#1a7f37',
  removed: '#cf222e',
  changed: '#bc4c00',
  same: '#8c959f',
};
export const WORLD_OPEN_COLOUR = '#d1242f';

const FILL: Readonly<Record<PicNode['kind'], string>> = {
  internet: '#fff1f0',
  igw: '#f6f8fa',
  lb: '#ddf4ff',
  nat: '#fff8c5',
  ecs: '#dafbe1',
  instance: '#fbefff',
  endpoint: '#f6f8fa',
  cidr: '#ffffff',
  subnet: '#ffffff',
  sg: '#ffffff',
  iam: '#f6f8fa',
  generic: '#f6f8fa',
};

const CLUSTER_FILL: Readonly<Record<PicCluster['kind'], string>> = {
  vpc: '#f6f8fa',
  tier: '#ffffff',
  subnet: '#f6f8fa',
  group: '#f6f8fa',
};

export interface ChangeRow {
  readonly address: string;
  readonly change: Exclude<Status, 'same'>;
  readonly what: string;
}

export interface DrawOptions {
  readonly title: string;
  /** Element id -> status; absent = the plain drawing (no change colours). */
  readonly status?: ReadonlyMap<string, Status>;
  /** The change table drawn under the panel (change drawing only). */
  readonly changes?: readonly ChangeRow[];
}

/** Text for an HTML-like label. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function q(id: string): string {
  return `"${id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function attrs(a: Record<string, string | number | undefined>): string {
  return `[${Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) => `${k}=${typeof v === 'string' && v.startsWith('<') ? v : typeof v === 'number' ? v : q(v as string)}`,
    )
    .join(', ')}]`;
}

export function toDot(p: Picture, options: DrawOptions): string {
  const diff = options.status !== undefined;
  const statusOf = (id: string): Status => options.status?.get(id) ?? 'same';
  const tag = (s: Status): string => (diff && s !== 'same' ? ` (${s})` : '');
  const lines: string[] = [];
  lines.push(`digraph ${q(p.stack)} {`);
  lines.push(
    `  graph ${attrs({ rankdir: 'LR', compound: 'true', fontname: 'Helvetica', fontsize: 16, labelloc: 't', labeljust: 'l', label: `<<B>${html(options.title)}</B>>`, nodesep: 0.25, ranksep: 0.7, pad: 0.3, bgcolor: 'white' })};`,
  );
  lines.push(
    `  node ${attrs({ fontname: 'Helvetica', fontsize: 10, shape: 'box', style: 'rounded,filled', color: '#57606a', margin: '0.12,0.06' })};`,
  );
  lines.push(`  edge ${attrs({ fontname: 'Helvetica', fontsize: 9, color: '#57606a', fontcolor: '#24292f' })};`);

  const nodeLine = (n: PicNode, indent: string): string => {
    const s = statusOf(n.id);
    const colour = diff ? STATUS_COLOUR[s] : n.kind === 'internet' ? WORLD_OPEN_COLOUR : '#57606a';
    const [head, ...rest] = n.lines;
    const label = `<<B>${html(clip(head, 60))}${html(tag(s))}</B>${rest.map((l) => `<BR/>${html(clip(l, 70))}`).join('')}>`;
    if (n.kind === 'subnet')
      return `${indent}${q(n.id)} ${attrs({ shape: 'plaintext', style: 'solid', label: `<<I>${html(n.lines[0])}${html(tag(s))}</I>>`, fontcolor: diff && s !== 'same' ? STATUS_COLOUR[s] : '#57606a' })};`;
    return `${indent}${q(n.id)} ${attrs({
      label,
      shape: n.kind === 'internet' || n.kind === 'cidr' ? 'ellipse' : 'box',
      fillcolor: diff && s === 'same' ? '#ffffff' : FILL[n.kind],
      color: colour,
      fontcolor: diff && s === 'same' ? '#57606a' : '#24292f',
      penwidth: diff && s !== 'same' ? 2.5 : n.kind === 'internet' ? 2 : 1,
      style: s === 'removed' ? 'rounded,filled,dashed' : 'rounded,filled',
    })};`;
  };

  const children = (parent: string): PicCluster[] => p.clusters.filter((c) => c.parent === parent);
  const emit = (parent: string, indent: string): void => {
    for (const n of p.nodes.filter((x) => x.cluster === parent)) lines.push(nodeLine(n, indent));
    for (const c of children(parent)) {
      const s = statusOf(c.id);
      lines.push(`${indent}subgraph ${q(`cluster_${c.id}`)} {`);
      lines.push(
        `${indent}  graph ${attrs({
          label: `<<B>${html(c.label)}${html(tag(s))}</B>>`,
          style: c.kind === 'tier' ? 'rounded,dashed' : s === 'removed' ? 'rounded,filled,dashed' : 'rounded,filled',
          fillcolor: CLUSTER_FILL[c.kind],
          color: diff ? STATUS_COLOUR[s] : c.kind === 'vpc' ? '#0969da' : '#8c959f',
          penwidth: diff && s !== 'same' ? 2.5 : 1,
          fontsize: c.kind === 'vpc' ? 13 : 11,
          fontcolor: diff && s !== 'same' ? STATUS_COLOUR[s] : '#24292f',
        })};`,
      );
      emit(c.id, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  emit('', '  ');

  const nodeIds = new Set(p.nodes.map((n) => n.id));
  for (const e of p.edges) {
    if (!nodeIds.has(e.from) || !nodeIds.has(e.to)) continue;
    lines.push(`  ${edgeLine(e, statusOf(e.id), diff)}`);
  }
  if (nodeIds.has('internet')) {
    lines.push(`  { rank=min; "internet"; }`);
    for (const igw of p.nodes.filter((n) => n.kind === 'igw'))
      lines.push(`  "internet" -> ${q(igw.id)} ${attrs({ arrowhead: 'none', color: '#8c959f', penwidth: 3 })};`);
  }

  lines.push(
    `  "panel" ${attrs({ shape: 'plaintext', style: 'solid', label: panelLabel(p.panel, options, statusOf) })};`,
  );
  // Invisible edges put the panel right of everything else.
  for (const n of p.nodes) if (n.kind !== 'subnet') lines.push(`  ${q(n.id)} -> "panel" [style=invis, weight=0];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function edgeLine(e: PicEdge, s: Status, diff: boolean): string {
  const warn = e.worldOpen ? '⚠ world-open ' : '';
  const text = `${warn}${e.kind === 'egress' ? 'egress ' : ''}${e.label}${diff && s !== 'same' ? ` (${s})` : ''}`;
  const colour = diff
    ? STATUS_COLOUR[s]
    : e.worldOpen
      ? WORLD_OPEN_COLOUR
      : e.kind === 'egress'
        ? '#8c959f'
        : '#57606a';
  return `${q(e.from)} -> ${q(e.to)} ${attrs({
    label: `<${e.worldOpen ? `<B>${html(text)}</B>` : html(text)}>`,
    color: colour,
    fontcolor: diff ? (s === 'same' ? '#57606a' : colour) : e.worldOpen ? WORLD_OPEN_COLOUR : '#24292f',
    penwidth: (diff && s !== 'same') || e.worldOpen ? 2.5 : 1.2,
    style: s === 'removed' || e.kind === 'egress' ? 'dashed' : e.kind === 'route' ? 'dotted' : 'solid',
    // Egress and routes point back towards the internet: drawn, but they do not rank the layout.
    constraint: e.kind === 'egress' || e.kind === 'route' ? 'false' : undefined,
    id: e.id,
  })};`;
}

function panelLabel(rows: readonly PanelRow[], options: DrawOptions, statusOf: (id: string) => Status): string {
  const diff = options.status !== undefined;
  const out: string[] = [
    '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" COLOR="#8c959f" BGCOLOR="#ffffff">',
  ];
  out.push('<TR><TD ALIGN="LEFT" BGCOLOR="#eaeef2"><B>Secrets, keys, alarms, AMI pipeline and the rest</B></TD></TR>');
  let category = '';
  for (const r of rows) {
    if (r.category !== category) {
      category = r.category;
      out.push(`<TR><TD ALIGN="LEFT" BGCOLOR="#f6f8fa"><B>${html(category)}</B></TD></TR>`);
    }
    const s = statusOf(r.id);
    const colour = diff ? (s === 'same' ? '#57606a' : STATUS_COLOUR[s]) : '#24292f';
    const text = html(clip(r.text, 95) + (diff && s !== 'same' ? ` (${s})` : ''));
    out.push(`<TR><TD ALIGN="LEFT"><FONT COLOR="${colour}">${s === 'same' ? text : `<B>${text}</B>`}</FONT></TD></TR>`);
  }
  out.push('<TR><TD ALIGN="LEFT" BGCOLOR="#f6f8fa"><B>Legend</B></TD></TR>');
  if (diff) {
    for (const s of ['added', 'removed', 'changed', 'same'] as const)
      out.push(
        `<TR><TD ALIGN="LEFT"><FONT COLOR="${STATUS_COLOUR[s]}"><B>■ ${s === 'same' ? 'unchanged' : s}</B></FONT></TD></TR>`,
      );
  }
  out.push(
    `<TR><TD ALIGN="LEFT"><FONT COLOR="${WORLD_OPEN_COLOUR}"><B>⚠ world-open</B></FONT>: ingress from 0.0.0.0/0 or ::/0</TD></TR>`,
  );
  out.push('<TR><TD ALIGN="LEFT">solid arrow: allowed traffic (security groups), port on the label</TD></TR>');
  out.push('<TR><TD ALIGN="LEFT">dashed grey arrow: allowed egress to a CIDR</TD></TR>');
  out.push('<TR><TD ALIGN="LEFT">dotted arrow: a subnet\'s default route through a NAT gateway</TD></TR>');
  out.push('</TABLE>');
  if (!options.changes) return `<${out.join('')}>`;

  const table: string[] = [
    '<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="#8c959f" BGCOLOR="#ffffff">',
  ];
  table.push(`<TR><TD COLSPAN="3" ALIGN="LEFT" BGCOLOR="#eaeef2"><B>Changes (${options.changes.length})</B></TD></TR>`);
  table.push(
    '<TR><TD ALIGN="LEFT"><B>address</B></TD><TD ALIGN="LEFT"><B>change</B></TD><TD ALIGN="LEFT"><B>what changed</B></TD></TR>',
  );
  const shown = options.changes.slice(0, 40);
  for (const c of shown) {
    const colour = STATUS_COLOUR[c.change];
    table.push(
      `<TR><TD ALIGN="LEFT">${html(clip(c.address, 70))}</TD><TD ALIGN="LEFT"><FONT COLOR="${colour}"><B>${c.change}</B></FONT></TD><TD ALIGN="LEFT">${html(clip(c.what, 80))}</TD></TR>`,
    );
  }
  if (options.changes.length > shown.length)
    table.push(
      `<TR><TD COLSPAN="3" ALIGN="LEFT">… ${options.changes.length - shown.length} more in the change table</TD></TR>`,
    );
  if (options.changes.length === 0) table.push('<TR><TD COLSPAN="3" ALIGN="LEFT">no change</TD></TR>');
  table.push('</TABLE>');
  return `<<TABLE BORDER="0" CELLSPACING="8"><TR><TD>${out.join('')}</TD></TR><TR><TD>${table.join('')}</TD></TR></TABLE>>`;
}
