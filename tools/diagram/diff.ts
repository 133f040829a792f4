/**
 * What a change does to the estate: the resources added, removed and changed between two synthesized stacks (with
 * what changed in words a reviewer reads: ports, CIDRs, IAM actions, other arguments), and the union of the two
 * pictures with each element's status for the change drawing.
 */
import type { ChangeRow, Status } from './dot';
import type { Picture } from './model';
import { iamActions, readResources } from './terraform';
import type { TfResource } from './terraform';
import type { TerraformJson } from '../../lib/synth-output';

export type ResourceChange = ChangeRow;

function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, JSON.stringify(value));
  return out;
}

function lastKey(path: string): string {
  return (
    path
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? path
  );
}

function show(v: string | undefined): string {
  if (v === undefined) return '∅';
  // Whole: the drawing wraps the change table's cells, and changes.md is read as text.
  return v.startsWith('"') ? (JSON.parse(v) as string) : v;
}

/** One line: ports, CIDRs and IAM actions by value, other arguments by name. */
export function describeChange(before: TfResource, after: TfResource): string {
  const a = flatten(before.body, '', new Map());
  const b = flatten(after.body, '', new Map());
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
  const parts: string[] = [];
  const ports = keys.filter((k) => /port/i.test(lastKey(k)));
  const cidrs = keys.filter((k) => /cidr|prefix_list/i.test(lastKey(k)));
  if (ports.length)
    parts.push(`ports: ${ports.map((k) => `${lastKey(k)} ${show(a.get(k))} → ${show(b.get(k))}`).join(', ')}`);
  if (cidrs.length) parts.push(`CIDRs: ${cidrs.map((k) => `${show(a.get(k))} → ${show(b.get(k))}`).join(', ')}`);
  const actionsBefore = new Set(iamActions(before));
  const actionsAfter = new Set(iamActions(after));
  const added = [...actionsAfter].filter((x) => !actionsBefore.has(x));
  const removed = [...actionsBefore].filter((x) => !actionsAfter.has(x));
  if (added.length) parts.push(`IAM actions added: ${added.join(', ')}`);
  if (removed.length) parts.push(`IAM actions removed: ${removed.join(', ')}`);
  const policyKeys = new Set(['policy', 'assume_role_policy', 'statement']);
  const others = [
    ...new Set(
      keys
        .filter((k) => !ports.includes(k) && !cidrs.includes(k))
        .map((k) => k.split(/[.[]/)[0])
        .filter((k) => !(policyKeys.has(k) && (added.length || removed.length))),
    ),
  ];
  if (others.length) parts.push(`arguments: ${others.join(', ')}`);
  return parts.join('; ') || 'changed';
}

function summary(r: TfResource): string {
  const actions = iamActions(r);
  const bits: string[] = [];
  const body = r.body as Record<string, unknown>;
  if (body.from_port !== undefined)
    bits.push(`port ${String(body.from_port)}${body.to_port !== body.from_port ? `-${String(body.to_port)}` : ''}`);
  for (const k of ['cidr_ipv4', 'cidr_ipv6', 'cidr_block'])
    if (typeof body[k] === 'string') bits.push(`CIDR ${String(body[k])}`);
  if (actions.length)
    bits.push(`IAM actions: ${actions.slice(0, 8).join(', ')}${actions.length > 8 ? ` (+${actions.length - 8})` : ''}`);
  return bits.join('; ');
}

/** Resources (and data sources) added, removed or changed from `base` to `head`, by address. */
export function diffResources(base: TerraformJson, head: TerraformJson): ResourceChange[] {
  const before = new Map(readResources(base).map((r) => [r.address, r]));
  const after = new Map(readResources(head).map((r) => [r.address, r]));
  const out: ResourceChange[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(address);
    const y = after.get(address);
    if (!x) out.push({ address, change: 'added', what: summary(y!) || 'new' });
    else if (!y) out.push({ address, change: 'removed', what: summary(x) || 'gone' });
    else if (JSON.stringify(x.body) !== JSON.stringify(y.body))
      out.push({ address, change: 'changed', what: describeChange(x, y) });
  }
  return out;
}

/** The union of both pictures, each element marked added, removed, changed or same. */
export function mergePictures(
  base: Picture,
  head: Picture,
  changes: readonly ResourceChange[],
): { picture: Picture; status: Map<string, Status> } {
  const changed = new Set(changes.map((c) => c.address));
  const status = new Map<string, Status>();
  const judge = <T extends { id: string; addresses: readonly string[] }>(
    headItems: readonly T[],
    baseItems: readonly T[],
  ): T[] => {
    const baseById = new Map(baseItems.map((x) => [x.id, x]));
    const headIds = new Set(headItems.map((x) => x.id));
    for (const x of headItems) {
      const old = baseById.get(x.id);
      const touched = [...x.addresses, ...(old?.addresses ?? [])].some((a) => changed.has(a));
      const moved =
        old !== undefined && JSON.stringify({ ...old, addresses: [] }) !== JSON.stringify({ ...x, addresses: [] });
      status.set(x.id, !old ? 'added' : touched || moved ? 'changed' : 'same');
    }
    const gone = baseItems.filter((x) => !headIds.has(x.id));
    for (const x of gone) status.set(x.id, 'removed');
    return [...headItems, ...gone];
  };
  const picture: Picture = {
    stack: head.stack,
    clusters: judge(head.clusters, base.clusters),
    nodes: judge(head.nodes, base.nodes),
    edges: judge(head.edges, base.edges),
    panel: judge(head.panel, base.panel),
  };
  return { picture, status };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The change table as markdown, one section per stack. */
export function changesMarkdown(
  perStack: readonly { stack: string; changes: readonly ResourceChange[]; svg?: string }[],
  baseLabel: string,
): string {
  const lines = [`## Estate changes against ${baseLabel}`, ''];
  const total = perStack.reduce((n, s) => n + s.changes.length, 0);
  if (total === 0) lines.push('No resource is added, removed or changed in any stack.', '');
  for (const s of perStack) {
    if (s.changes.length === 0) {
      if (total > 0) lines.push(`### ${s.stack}: no change`, '');
      continue;
    }
    const count = (c: Status): number => s.changes.filter((x) => x.change === c).length;
    lines.push(
      `### ${s.stack}: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed${s.svg ? ` (drawing: \`${s.svg}\`)` : ''}`,
      '',
      '| address | change | what changed |',
      '| --- | --- | --- |',
      ...s.changes.map((c) => `| \`${cell(c.address)}\` | ${c.change} | ${cell(c.what)} |`),
      '',
    );
  }
  return lines.join('\n');
}
