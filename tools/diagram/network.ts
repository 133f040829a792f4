/**
 * The network of a stack as the picture's frame: each VPC a cluster holding its tiers, each tier its subnets (one
 * cluster per zone), where a resource with subnets sits, each subnet's default route (through a NAT gateway or the
 * internet gateway), and which CIDRs lie inside a VPC (its own range, a subnet's range) rather than outside it.
 */
import { asArray, type Builder } from './picture';
import { displayName, literal, referencesIn, valuesOfKeys } from './terraform';
import type { TfResource } from './terraform';

/** Where a CIDR lies: inside a VPC (and then maybe exactly one of its subnets), or outside every VPC of the stack. */
export interface CidrPlace {
  /** The CIDR as a reader knows it (a reference to the VPC's range is shown as that range). */
  readonly text: string;
  /** The VPC whose range holds it. */
  readonly vpc?: string;
  /** The subnet whose range it is. */
  readonly subnet?: string;
}

export interface Network {
  /** Cluster id of a subnet's zone cluster. */
  readonly subnetCluster: ReadonlyMap<string, string>;
  /** Where a resource with these subnets sits: its one subnet, else its tier, else its VPC ('' = top level). */
  placement(subnets: readonly string[]): string;
  /** The subnets a resource names through subnet arguments (not inside free text such as a command line). */
  subnetsOf(r: TfResource): string[];
  /** The address a subnet's default route (0.0.0.0/0) goes to (NAT or internet gateway), with the resources saying so. */
  defaultRoute(subnet: string): { target: string; addresses: string[] } | undefined;
  /** Where a CIDR value of a rule lies. */
  place(value: unknown): CidrPlace | undefined;
}

function tierOf(subnet: TfResource): string {
  const tags = (subnet.body.tags ?? {}) as Record<string, unknown>;
  const tier = literal(tags.Tier) ?? literal(tags.tier);
  if (tier) return tier.toLowerCase();
  const name = displayName(subnet).toLowerCase();
  if (name.includes('public')) return 'public';
  if (name.includes('private')) return 'private';
  return subnet.body.map_public_ip_on_launch === true ? 'public' : 'subnets';
}

/** An IPv4 CIDR as [first address, prefix length], or undefined. */
function ipv4(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  return [octets.reduce((n, o) => n * 256 + o, 0), bits];
}

/** Whether IPv4 range `inner` lies within `outer`. */
function within(inner: string, outer: string): boolean {
  const a = ipv4(inner);
  const b = ipv4(outer);
  if (!a || !b || a[1] < b[1]) return false;
  const size = 2 ** (32 - b[1]);
  return Math.floor(a[0] / size) === Math.floor(b[0] / size);
}

export function drawNetwork(b: Builder): Network {
  const subnetCluster = new Map<string, string>();
  const tierCluster = new Map<string, string>(); // `${vpc}|${tier}` -> cluster id
  const subnets = b.of('aws_subnet');
  for (const vpc of b.of('aws_vpc')) {
    const extras = b.resources.filter(
      (r) =>
        (r.type === 'aws_flow_log' ||
          r.type === 'aws_default_security_group' ||
          r.type === 'aws_default_network_acl') &&
        referencesIn(r.body).includes(vpc.address),
    );
    const notes = [
      literal(vpc.body.cidr_block),
      extras.some((r) => r.type === 'aws_flow_log') ? 'flow logs' : undefined,
      extras.some((r) => r.type === 'aws_default_security_group') ? 'default SG closed' : undefined,
    ].filter(Boolean);
    b.clusters.push({
      id: vpc.address,
      kind: 'vpc',
      label: `VPC ${displayName(vpc)}${notes.length ? ` · ${notes.join(' · ')}` : ''}`,
      parent: '',
      addresses: b.claim(vpc.address, [vpc.address, ...extras.map((r) => r.address)]),
    });
    const mine = subnets.filter((s) => referencesIn(s.body.vpc_id).includes(vpc.address));
    const tiers = [...new Set(mine.map(tierOf))].sort((x, y) => (x === 'public' ? -1 : y === 'public' ? 1 : 0));
    for (const tier of tiers) {
      const id = `${vpc.address}|tier:${tier}`;
      tierCluster.set(`${vpc.address}|${tier}`, id);
      b.clusters.push({ id, kind: 'tier', label: `${tier} tier`, parent: vpc.address, addresses: [] });
      for (const s of mine.filter((x) => tierOf(x) === tier)) {
        const zone = literal(s.body.availability_zone) ?? 'zone ?';
        const associations = b.resources.filter(
          (r) => r.type === 'aws_route_table_association' && referencesIn(r.body.subnet_id).includes(s.address),
        );
        const cid = `${s.address}|cluster`;
        b.clusters.push({ id: cid, kind: 'subnet', label: `${tier} ${zone}`, parent: id, addresses: [] });
        subnetCluster.set(s.address, cid);
        b.addNode({
          id: s.address,
          kind: 'subnet',
          lines: [literal(s.body.cidr_block) ?? displayName(s)],
          cluster: cid,
          addresses: [s.address, ...associations.map((r) => r.address)],
        });
      }
    }
  }

  const vpcOfSubnet = (subnet: string): string => referencesIn(b.byAddress.get(subnet)?.body.vpc_id)[0] ?? '';

  const placement = (list: readonly string[]): string => {
    if (list.length === 1) return subnetCluster.get(list[0]) ?? '';
    if (list.length === 0) return '';
    const tiers = new Set(list.map((s) => tierOf(b.byAddress.get(s)!)));
    const vpc = vpcOfSubnet(list[0]);
    if (tiers.size === 1) return tierCluster.get(`${vpc}|${[...tiers][0]}`) ?? vpc;
    return vpc;
  };

  const subnetsOf = (r: TfResource): string[] =>
    referencesIn(valuesOfKeys(r.body, ['subnet_id', 'subnets', 'subnet_ids'])).filter(
      (a) => b.byAddress.get(a)?.type === 'aws_subnet',
    );

  // Default routes, standalone (aws_route) or inline (a route table's `route` blocks), by route table.
  const isDefault = (v: unknown): boolean => literal(v) === '0.0.0.0/0';
  const targetOf = (body: Record<string, unknown>): string | undefined =>
    referencesIn([body.nat_gateway_id, body.gateway_id]).find((a) =>
      ['aws_nat_gateway', 'aws_internet_gateway'].includes(b.byAddress.get(a)?.type ?? ''),
    );
  const routeOfTable = new Map<string, { target: string; addresses: string[] }>();
  for (const route of b.of('aws_route')) {
    const table = referencesIn(route.body.route_table_id)[0];
    const target = targetOf(route.body as Record<string, unknown>);
    if (table && target && isDefault(route.body.destination_cidr_block))
      routeOfTable.set(table, { target, addresses: [route.address, table] });
  }
  for (const table of b.of('aws_route_table')) {
    if (routeOfTable.has(table.address)) continue;
    for (const block of asArray(table.body.route) as Record<string, unknown>[]) {
      const target = targetOf(block);
      if (target && isDefault(block.cidr_block))
        routeOfTable.set(table.address, { target, addresses: [table.address] });
    }
  }
  const defaultRoute = (subnet: string): { target: string; addresses: string[] } | undefined => {
    const tables = b.resources
      .filter((r) => r.type === 'aws_route_table_association' && referencesIn(r.body.subnet_id).includes(subnet))
      .flatMap((r) => referencesIn(r.body.route_table_id));
    for (const t of tables) if (routeOfTable.has(t)) return routeOfTable.get(t);
    return undefined;
  };

  const vpcs = b.of('aws_vpc');
  const place = (value: unknown): CidrPlace | undefined => {
    const text = literal(value);
    if (text) {
      const subnet = subnets.find((s) => literal(s.body.cidr_block) === text.trim());
      if (subnet) return { text, vpc: vpcOfSubnet(subnet.address), subnet: subnet.address };
      const vpc = vpcs.find((v) => {
        const range = literal(v.body.cidr_block);
        return range !== undefined && within(text, range);
      });
      return { text, vpc: vpc?.address };
    }
    const [ref] = referencesIn(value);
    const target = ref ? b.byAddress.get(ref) : undefined;
    const ipv6 = typeof value === 'string' && value.includes('ipv6_cidr_block');
    if (target?.type === 'aws_vpc')
      return {
        text: ipv6 ? "the VPC's IPv6 range" : (literal(target.body.cidr_block) ?? "the VPC's range"),
        vpc: target.address,
      };
    if (target?.type === 'aws_subnet')
      return {
        text: literal(target.body.cidr_block) ?? displayName(target),
        vpc: vpcOfSubnet(target.address),
        subnet: target.address,
      };
    return typeof value === 'string' ? { text: value } : undefined;
  };

  return { subnetCluster, placement, subnetsOf, defaultRoute, place };
}
