/**
 * Security-group rules as the picture shows them, judged by the policy gate:
 * - between security groups: an arrow from the client to the server with the port (`traffic`);
 * - ingress from the whole internet the gate accepts (the load balancer's 80/443): a `public` arrow from the
 *   internet; any rule the gate denies: a `violation` arrow (red, ⚠, the rule id);
 * - egress to the internet or another outside CIDR: an arrow to the first hop of the resource's default route (its
 *   NAT gateway, or the internet gateway from a public subnet), never straight to the internet past them; the NAT
 *   gateway's own route goes on to the internet gateway, and that to the internet;
 * - a CIDR inside the VPC: an arrow from or to the subnet when it is one subnet's range, else a line on the resource
 *   ("egress :5000 to the VPC 10.10.0.0/16"): the VPC's own range is never drawn as a place outside it.
 */
import type { GateVerdict } from './gate';
import type { Network } from './network';
import { asArray, type Builder } from './picture';
import { displayName, isWorld, portText, referencesIn } from './terraform';

const SG_RULE_TYPES = new Set([
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_security_group_rule',
]);

export const INTERNET = 'internet';

interface Rule {
  readonly address: string;
  readonly direction: 'ingress' | 'egress';
  readonly sg: string;
  readonly peerSg?: string;
  /** CIDR sources or destinations, as written (literals or references). */
  readonly cidrs: readonly unknown[];
  readonly body: Readonly<Record<string, unknown>>;
}

/** Every rule of the stack over the three Terraform shapes (standalone rules of both kinds, inline blocks). */
function readRules(b: Builder): Rule[] {
  const rules: Rule[] = [];
  for (const r of b.resources) {
    if (!SG_RULE_TYPES.has(r.type)) continue;
    const direction: Rule['direction'] =
      r.type === 'aws_vpc_security_group_egress_rule' || r.body.type === 'egress' ? 'egress' : 'ingress';
    const sg = referencesIn(r.body.security_group_id)[0];
    const peerSg = referencesIn(r.body.referenced_security_group_id ?? r.body.source_security_group_id)[0];
    const cidrs = ['cidr_ipv4', 'cidr_ipv6', 'cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_id'].flatMap((k) =>
      asArray(r.body[k]),
    );
    if (sg) rules.push({ address: r.address, direction, sg, peerSg, cidrs, body: r.body });
  }
  for (const sg of b.of('aws_security_group')) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const block of asArray(sg.body[direction]) as Record<string, unknown>[]) {
        const peers = referencesIn(block.security_groups);
        const cidrs = [...asArray(block.cidr_blocks), ...asArray(block.ipv6_cidr_blocks)];
        for (const peerSg of peers.length ? peers : [undefined])
          rules.push({
            address: sg.address,
            direction,
            sg: sg.address,
            peerSg,
            cidrs: peerSg ? [] : cidrs,
            body: block,
          });
      }
    }
  }
  return rules;
}

/**
 * Draws every security-group rule. `owners` maps a security group to the nodes that carry it; `subnetsOfNode` the
 * subnets each placed node sits in (for its default route).
 */
export function drawTraffic(
  b: Builder,
  net: Network,
  gate: GateVerdict,
  owners: ReadonlyMap<string, readonly string[]>,
  subnetsOfNode: ReadonlyMap<string, readonly string[]>,
): void {
  const sgNode = (sg: string): readonly string[] => {
    const mine = owners.get(sg);
    if (mine?.length) return mine;
    const r = b.byAddress.get(sg);
    if (!r) return [];
    b.addNode({
      id: sg,
      kind: 'sg',
      lines: [`security group ${displayName(r)}`, '(attached to nothing here)'],
      cluster: referencesIn(r.body.vpc_id)[0] ?? '',
      addresses: [sg],
    });
    return [sg];
  };
  for (const sg of b.of('aws_security_group')) sgNode(sg.address);

  const internet = (): string => {
    b.addNode({ id: INTERNET, kind: 'internet', lines: ['Internet'], cluster: '', addresses: [] });
    return INTERNET;
  };
  const outside = (cidr: string): string => {
    if (isWorld(cidr)) return internet();
    const id = `cidr:${cidr}`;
    b.addNode({ id, kind: 'cidr', lines: [cidr], cluster: '', addresses: [] });
    return id;
  };
  /** The first hops of a node's traffic out of the VPC: where its subnets' default routes go. */
  const hops = (node: string): string[] =>
    [...new Set((subnetsOfNode.get(node) ?? []).map((s) => net.defaultRoute(s)?.target))].filter(
      (t): t is string => t !== undefined && b.nodes.has(t),
    );

  for (const rule of readRules(b)) {
    const denied = gate.denied.get(rule.address) ?? [];
    const waived = gate.waived.get(rule.address) ?? [];
    const ports = portText(rule.body);
    const selves = sgNode(rule.sg);
    // The resource a denied rule belongs to is framed red too: the arrow's label may sit far from it.
    for (const self of selves) b.markDenied(self, denied);
    const judged = (kind: 'traffic' | 'public' | 'egress') =>
      denied.length ? { kind: 'violation' as const, rules: denied } : { kind, rules: waived };

    if (rule.peerSg) {
      const peers = sgNode(rule.peerSg);
      for (const self of selves)
        for (const peer of peers) {
          const [from, to] = rule.direction === 'ingress' ? [peer, self] : [self, peer];
          b.addEdge({ ...judged('traffic'), from, to, items: [ports], addresses: [rule.address] });
        }
      continue;
    }

    for (const value of rule.cidrs) {
      const place = net.place(value);
      if (!place) continue;
      const family = place.text.includes(':') ? 'IPv6' : 'IPv4';
      for (const self of selves) {
        if (place.subnet && b.nodes.has(place.subnet)) {
          const [from, to] = rule.direction === 'ingress' ? [place.subnet, self] : [self, place.subnet];
          const kind = rule.direction === 'ingress' ? 'traffic' : 'egress';
          b.addEdge({ ...judged(kind), from, to, items: [ports], addresses: [rule.address] });
        } else if (place.vpc) {
          const line =
            rule.direction === 'ingress'
              ? `ingress ${ports} from the VPC ${place.text}`
              : `egress ${ports} to the VPC ${place.text}`;
          const mark = denied.length ? `⚠ ${line}, denied by ${denied.join(', ')}` : line;
          b.annotate(self, mark, [rule.address], denied);
        } else if (rule.direction === 'ingress') {
          const world = isWorld(place.text);
          b.addEdge({
            ...judged(world ? 'public' : 'traffic'),
            from: outside(place.text),
            to: self,
            items: [world ? `${ports} ${family}` : ports],
            addresses: [rule.address],
          });
        } else {
          const item = isWorld(place.text) ? ports : `${ports} to ${place.text}`;
          const next = hops(self);
          if (next.length === 0 && (subnetsOfNode.get(self) ?? []).length > 0) {
            // In subnets without a default route nothing leaves the VPC: say so rather than draw a way out.
            b.annotate(self, `egress ${item}: no default route out of its subnets`, [rule.address], denied);
            continue;
          }
          for (const to of next.length ? next : [outside(place.text)])
            b.addEdge({ ...judged('egress'), from: self, to, items: [item], addresses: [rule.address] });
        }
      }
    }
  }
}

/**
 * The way out: each private subnet's default route to its NAT gateway (a line under the subnet's range), each NAT
 * gateway's (its subnet's default route) to the internet gateway, and the internet gateway to the internet.
 */
export function drawRoutes(b: Builder, net: Network): void {
  // A private subnet's route is a line under its range (the hosts' egress arrows already lead to the NAT gateway).
  for (const subnet of b.of('aws_subnet')) {
    const route = net.defaultRoute(subnet.address);
    const target = route && b.byAddress.get(route.target);
    if (route && target?.type === 'aws_nat_gateway')
      b.annotate(subnet.address, `0.0.0.0/0 → ${displayName(target)}`, route.addresses);
  }
  for (const nat of b.of('aws_nat_gateway')) {
    const [subnet] = net.subnetsOf(nat);
    const route = subnet ? net.defaultRoute(subnet) : undefined;
    if (route && b.nodes.has(route.target) && b.nodes.has(nat.address))
      b.addEdge({
        kind: 'route',
        from: nat.address,
        to: route.target,
        items: ['0.0.0.0/0'],
        addresses: route.addresses,
      });
  }
  for (const igw of b.of('aws_internet_gateway')) {
    if (!b.nodes.has(igw.address)) continue;
    b.addNode({ id: INTERNET, kind: 'internet', lines: ['Internet'], cluster: '', addresses: [] });
    b.addEdge({ kind: 'route', from: igw.address, to: INTERNET, items: [], addresses: [] });
  }
}
