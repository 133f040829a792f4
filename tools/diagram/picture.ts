/**
 * The picture of one stack as data (what model.ts builds and dot.ts draws): clusters, nodes, arrows and the rows of
 * the panels, each naming the resource addresses it draws, and the builder that hands every address to exactly one
 * element.
 */
import type { TfResource } from './terraform';

export type NodeKind =
  'internet' | 'igw' | 'lb' | 'nat' | 'ecs' | 'instance' | 'endpoint' | 'cidr' | 'subnet' | 'sg' | 'iam' | 'generic';

export interface PicNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label: the first is the title. */
  readonly lines: readonly string[];
  /** Cluster id it sits in ('' = top level). */
  readonly cluster: string;
  /** Resource addresses drawn by this node. */
  readonly addresses: readonly string[];
  /** Ids of the gate's deny rules that fail a rule drawn as a line of this node (none = the gate accepts it). */
  readonly denied?: readonly string[];
}

export interface PicCluster {
  readonly id: string;
  readonly kind: 'vpc' | 'tier' | 'subnet' | 'group';
  readonly label: string;
  /** '' = top level. */
  readonly parent: string;
  readonly addresses: readonly string[];
}

/**
 * What an arrow means: `traffic` security groups allow between two parties; `public` world-open ingress the policy
 * gate accepts (the load balancer's listener ports); `violation` a rule the gate denies; `egress` what security
 * groups let a resource send out, drawn to the first hop of its subnet's default route; `route` a default route
 * (subnet -> NAT gateway -> internet gateway -> internet); `iam` an IAM relation (attached, member of, trusted by).
 */
export type EdgeKind = 'traffic' | 'public' | 'violation' | 'egress' | 'iam' | 'route';

export interface PicEdge {
  /** Stable key: `<kind>:<from>-><to>`. */
  readonly id: string;
  readonly kind: EdgeKind;
  readonly from: string;
  readonly to: string;
  /** Ports (`:7687`, `:80 IPv4`) or the relation (`member of`, `attached`), one per rule, sorted. */
  readonly items: readonly string[];
  /** Ids of the gate's rules behind the arrow: the deny rules of a violation, the waived rules of an accepted one. */
  readonly rules: readonly string[];
  readonly addresses: readonly string[];
}

export interface PanelRow {
  /** `panel:<address of the head resource>`. */
  readonly id: string;
  readonly category: string;
  /** The head resource's kind (`secretsmanager secret`, `looked up ami`). */
  readonly kind: string;
  /** Its name, whole. */
  readonly name: string;
  /** What it does, when the name does not say (the AMI pipeline's command). */
  readonly note?: string;
  /** The resources folded into it (its configuration, versions, policies), by kind: `2 × iam role policy`. */
  readonly with: readonly string[];
  readonly addresses: readonly string[];
}

export interface Picture {
  readonly stack: string;
  readonly clusters: readonly PicCluster[];
  readonly nodes: readonly PicNode[];
  readonly edges: readonly PicEdge[];
  readonly panel: readonly PanelRow[];
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** `aws_iam_role_policy` -> `iam role policy`. */
export function shortType(type: string): string {
  return type.replace(/^aws_/, '').replace(/_/g, ' ');
}

/** Port items sort by their first number, so `:80` comes before `:443`. */
function itemOrder(x: string, y: string): number {
  const n = (s: string): number => Number(/\d+/.exec(s)?.[0] ?? Infinity);
  return n(x) - n(y) || x.localeCompare(y);
}

export class Builder {
  readonly byAddress = new Map<string, TfResource>();
  readonly claimed = new Map<string, string>(); // address -> element id
  readonly clusters: PicCluster[] = [];
  readonly nodes = new Map<string, PicNode>();
  readonly edges = new Map<string, PicEdge>();
  readonly panel: PanelRow[] = [];

  constructor(readonly resources: readonly TfResource[]) {
    for (const r of resources) this.byAddress.set(r.address, r);
  }

  of(type: string): TfResource[] {
    return this.resources.filter((r) => r.mode === 'managed' && r.type === type);
  }

  /** Hands the addresses nobody drew yet to `element`; returns those it got. */
  claim(element: string, addresses: readonly string[]): string[] {
    const mine: string[] = [];
    for (const a of addresses) {
      if (this.claimed.has(a) || !this.byAddress.has(a)) continue;
      this.claimed.set(a, element);
      mine.push(a);
    }
    return mine;
  }

  addNode(node: Omit<PicNode, 'addresses'> & { addresses: string[] }): PicNode {
    const existing = this.nodes.get(node.id);
    if (existing) return existing;
    const n: PicNode = { ...node, addresses: this.claim(node.id, node.addresses) };
    this.nodes.set(n.id, n);
    return n;
  }

  /** Adds a line to a node's label (a rule drawn on the node rather than as an arrow) and the addresses behind it. */
  annotate(id: string, line: string, addresses: readonly string[], denied: readonly string[] = []): void {
    const n = this.nodes.get(id);
    if (!n) return;
    this.nodes.set(id, {
      ...n,
      lines: n.lines.includes(line) ? n.lines : [...n.lines, line],
      addresses: [...n.addresses, ...this.claim(id, addresses)],
    });
    this.markDenied(id, denied);
  }

  /** Marks a node as carrying a rule the gate denies (drawn with a red border). */
  markDenied(id: string, rules: readonly string[]): void {
    const n = this.nodes.get(id);
    if (n && rules.length) this.nodes.set(id, { ...n, denied: [...new Set([...(n.denied ?? []), ...rules])].sort() });
  }

  /** Adds an arrow, or merges the items, rules and addresses into the arrow of the same kind between the same two. */
  addEdge(edge: {
    kind: EdgeKind;
    from: string;
    to: string;
    items: string[];
    rules?: readonly string[];
    addresses: string[];
  }): void {
    const id = `${edge.kind}:${edge.from}->${edge.to}`;
    const prev = this.edges.get(id);
    const addresses = this.claim(id, edge.addresses);
    this.edges.set(id, {
      id,
      kind: edge.kind,
      from: edge.from,
      to: edge.to,
      items: [...new Set([...(prev?.items ?? []), ...edge.items])].filter(Boolean).sort(itemOrder),
      rules: [...new Set([...(prev?.rules ?? []), ...(edge.rules ?? [])])].sort(),
      addresses: [...(prev?.addresses ?? []), ...addresses],
    });
  }
}

/** Every address drawn somewhere in the picture. */
export function drawnAddresses(p: Picture): Set<string> {
  return new Set([
    ...p.clusters.flatMap((c) => c.addresses),
    ...p.nodes.flatMap((n) => n.addresses),
    ...p.edges.flatMap((e) => e.addresses),
    ...p.panel.flatMap((r) => r.addresses),
  ]);
}
