/**
 * A picture (model.ts) as Graphviz DOT: clusters for the VPC, its tiers and subnets, nodes placed in them, arrows
 * styled by what they mean (security-group traffic, public exposure the gate accepts, ⚠ rules it denies, egress to
 * the first hop, default routes, IAM relations), and on the right the legend for what this drawing holds and the
 * panels (tables.ts). With statuses (the change drawing) every element takes its change's colour and the unchanged
 * ones fade. Deterministic: the same picture gives the same text.
 */
import type { PicCluster, PicEdge, PicNode, Picture } from './picture';
import { panelLabel, type ChangeRow } from './tables';
import {
  FAINT,
  FONT,
  html,
  INK,
  MUTED,
  portsPhrase,
  PUBLIC_COLOUR,
  STATUS_COLOUR,
  VIOLATION_COLOUR,
  wrap,
  type Status,
} from './text';

export { PUBLIC_COLOUR, STATUS_COLOUR, VIOLATION_COLOUR, type Status } from './text';
export type { ChangeRow } from './tables';

const FILL: Readonly<Record<PicNode['kind'], string>> = {
  internet: '#ddf4ff',
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

/** Node label lines are wrapped at this many characters. */
const NODE_WIDTH = 46;

export interface DrawOptions {
  readonly title: string;
  /** Element id -> status; absent = the plain drawing (no change colours). */
  readonly status?: ReadonlyMap<string, Status>;
  /** The change table drawn under the panels (change drawing only). */
  readonly changes?: readonly ChangeRow[];
}

function q(id: string): string {
  return `"${id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function attrs(a: Record<string, string | number | undefined>): string {
  return `[${Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) => `${k}=${typeof v === 'string' && v.startsWith('<') ? v : typeof v === 'number' ? v : q(v as string)}`,
    )
    .join(', ')}]`;
}

/** The words on an arrow, by what it means. */
export function edgeText(e: PicEdge): string {
  switch (e.kind) {
    case 'public':
      return `public ${portsPhrase(e.items)}${e.rules.length ? ` (waived: ${e.rules.join(', ')})` : ''}`;
    case 'violation':
      return `⚠ ${portsPhrase(e.items)} denied by ${e.rules.join(', ')}`;
    case 'egress':
      return `egress ${e.items.join(', ')}${e.rules.length ? ` (waived: ${e.rules.join(', ')})` : ''}`;
    default:
      return `${e.items.join(', ')}${e.rules.length ? ` (waived: ${e.rules.join(', ')})` : ''}`;
  }
}

const EDGE_COLOUR: Readonly<Record<PicEdge['kind'], string>> = {
  traffic: MUTED,
  public: PUBLIC_COLOUR,
  violation: VIOLATION_COLOUR,
  egress: FAINT,
  route: FAINT,
  iam: MUTED,
};

const EDGE_STYLE: Readonly<Record<PicEdge['kind'], string>> = {
  traffic: 'solid',
  public: 'solid',
  violation: 'solid',
  egress: 'dashed',
  route: 'dotted',
  iam: 'solid',
};

function edgeLine(e: PicEdge, s: Status, diff: boolean): string {
  const text = `${edgeText(e)}${diff && s !== 'same' ? ` (${s})` : ''}`;
  const colour = diff ? STATUS_COLOUR[s] : EDGE_COLOUR[e.kind];
  const strong = e.kind === 'violation' || e.kind === 'public';
  const label = wrap(text, 40).map(html).join('<BR/>');
  return `${q(e.from)} -> ${q(e.to)} ${attrs({
    label: `<${strong ? `<B>${label}</B>` : label}>`,
    color: colour,
    fontcolor: diff ? (s === 'same' ? MUTED : colour) : strong ? colour : INK,
    penwidth: (diff && s !== 'same') || e.kind === 'violation' ? 2.5 : strong ? 2 : e.kind === 'route' ? 1.5 : 1.2,
    style: s === 'removed' ? 'dashed' : EDGE_STYLE[e.kind],
    // Egress and routes point back towards the internet: drawn, but they do not rank the layout.
    constraint: e.kind === 'egress' || e.kind === 'route' ? 'false' : undefined,
    id: e.id,
  })};`;
}

export function toDot(p: Picture, options: DrawOptions): string {
  const diff = options.status !== undefined;
  const statusOf = (id: string): Status => options.status?.get(id) ?? 'same';
  const tag = (s: Status): string => (diff && s !== 'same' ? ` (${s})` : '');
  const lines: string[] = [];
  lines.push(`digraph ${q(p.stack)} {`);
  lines.push(
    `  graph ${attrs({ rankdir: 'LR', compound: 'true', fontname: FONT, fontsize: 16, labelloc: 't', labeljust: 'l', label: `<<B>${html(options.title)}</B>>`, nodesep: 0.25, ranksep: 0.7, pad: 0.3, bgcolor: 'white' })};`,
  );
  lines.push(
    `  node ${attrs({ fontname: FONT, fontsize: 10, shape: 'box', style: 'rounded,filled', color: MUTED, margin: '0.12,0.06' })};`,
  );
  lines.push(`  edge ${attrs({ fontname: FONT, fontsize: 9, color: MUTED, fontcolor: INK })};`);

  const nodeLine = (n: PicNode, indent: string): string => {
    const s = statusOf(n.id);
    const denied = !diff && (n.denied?.length ?? 0) > 0;
    const colour = diff ? STATUS_COLOUR[s] : denied ? VIOLATION_COLOUR : n.kind === 'internet' ? PUBLIC_COLOUR : MUTED;
    if (n.kind === 'subnet')
      return `${indent}${q(n.id)} ${attrs({ shape: 'plaintext', style: 'solid', label: `<<I>${n.lines.map(html).join('<BR/>')}${html(tag(s))}</I>>`, fontcolor: diff && s !== 'same' ? STATUS_COLOUR[s] : MUTED })};`;
    const [head, ...rest] = n.lines;
    const body = rest.map((l) =>
      l.startsWith('⚠') && !diff
        ? `<FONT COLOR="${VIOLATION_COLOUR}"><B>${wrap(l, NODE_WIDTH).map(html).join('<BR/>')}</B></FONT>`
        : wrap(l, NODE_WIDTH).map(html).join('<BR/>'),
    );
    const label = `<<B>${wrap(head, NODE_WIDTH).map(html).join('<BR/>')}${html(tag(s))}</B>${body.map((l) => `<BR/>${l}`).join('')}>`;
    return `${indent}${q(n.id)} ${attrs({
      label,
      shape: n.kind === 'internet' || n.kind === 'cidr' ? 'ellipse' : 'box',
      fillcolor: diff && s === 'same' ? '#ffffff' : FILL[n.kind],
      color: colour,
      fontcolor: diff && s === 'same' ? MUTED : INK,
      penwidth: (diff && s !== 'same') || denied ? 2.5 : n.kind === 'internet' ? 2 : 1,
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
          color: diff ? STATUS_COLOUR[s] : c.kind === 'vpc' ? PUBLIC_COLOUR : FAINT,
          penwidth: diff && s !== 'same' ? 2.5 : 1,
          fontsize: c.kind === 'vpc' ? 13 : 11,
          fontcolor: diff && s !== 'same' ? STATUS_COLOUR[s] : INK,
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
  if (nodeIds.has('internet')) lines.push(`  { rank=min; "internet"; }`);

  lines.push(`  "panel" ${attrs({ shape: 'plaintext', style: 'solid', label: panelLabel(p, options, statusOf) })};`);
  // Invisible edges put the panel right of everything else.
  for (const n of p.nodes) if (n.kind !== 'subnet') lines.push(`  ${q(n.id)} -> "panel" [style=invis, weight=0];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
