/**
 * The picture of one stack, built from its synthesized JSON and nothing else: the VPC with its tiers and subnets
 * per zone, the resources placed in the subnets they name (load balancer, NAT, ECS service, instances, and any
 * other resource with subnets: a Lambda in the VPC lands there without code here), security-group relations as
 * arrows with their ports, world-open ingress marked, and a side panel that lists every other resource by kind.
 *
 * Every resource of the stack belongs to exactly one drawn element (node, arrow, cluster or panel row), so a change
 * to any of them shows in the change drawing.
 */
import { displayName, isWorld, literal, portText, readResources, referencesIn, valuesOfKeys } from './terraform';
import type { TerraformJson, TfResource } from './terraform';

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
  readonly worldOpen?: boolean;
}

export interface PicCluster {
  readonly id: string;
  readonly kind: 'vpc' | 'tier' | 'subnet' | 'group';
  readonly label: string;
  /** '' = top level. */
  readonly parent: string;
  readonly addresses: readonly string[];
}

export interface PicEdge {
  /** Stable key: `<kind>:<from>-><to>`. */
  readonly id: string;
  readonly kind: 'traffic' | 'egress' | 'iam' | 'route';
  readonly from: string;
  readonly to: string;
  /** Ports (`:7687`) or the relation (`member`, `attached`). */
  readonly label: string;
  readonly worldOpen: boolean;
  readonly addresses: readonly string[];
}

export interface PanelRow {
  readonly id: string;
  readonly category: string;
  readonly text: string;
  readonly addresses: readonly string[];
}

export interface Picture {
  readonly stack: string;
  readonly clusters: readonly PicCluster[];
  readonly nodes: readonly PicNode[];
  readonly edges: readonly PicEdge[];
  readonly panel: readonly PanelRow[];
}

/** Types drawn as the network's fabric (clusters, plumbing) rather than as nodes of their own. */
const PLUMBING_TYPES = new Set([
  'aws_route',
  'aws_route_table',
  'aws_route_table_association',
  'aws_main_route_table_association',
  'aws_default_route_table',
  'aws_default_network_acl',
  'aws_network_acl',
  'aws_network_acl_rule',
  'aws_default_security_group',
  'aws_eip',
  'aws_vpc_endpoint_route_table_association',
]);

const SG_RULE_TYPES = new Set([
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_security_group_rule',
]);

/** Side-panel categories, in panel order; the first match wins. Anything else: its AWS service, from its type. */
const CATEGORIES: readonly (readonly [string, (r: TfResource) => boolean])[] = [
  [
    'AMI pipeline',
    (r) =>
      r.type === 'null_resource' ||
      r.type === 'aws_ami' ||
      /(^|\/)[^/]*\bami\b[^/]*(\/|$)/.test(r.constructPath?.replace(/-/g, ' ') ?? ''),
  ],
  [
    'Secrets',
    (r) => r.type.startsWith('aws_secretsmanager_') || r.type === 'random_password' || r.type === 'aws_ssm_parameter',
  ],
  ['Keys', (r) => r.type.startsWith('aws_kms_')],
  [
    'Alarms',
    (r) =>
      r.type === 'aws_cloudwatch_metric_alarm' ||
      r.type === 'aws_cloudwatch_composite_alarm' ||
      r.type === 'aws_cloudwatch_dashboard' ||
      r.type.startsWith('aws_sns_'),
  ],
  ['IAM', (r) => r.type.startsWith('aws_iam_')],
  ['Logs', (r) => r.type === 'aws_cloudwatch_log_group' || r.type === 'aws_flow_log'],
  ['Network plumbing', (r) => PLUMBING_TYPES.has(r.type)],
];

/** Data sources worth a row (the image the hosts boot, certificates); other lookups are not resources. */
const DRAWN_DATA = new Set(['aws_ami', 'aws_acm_certificate']);

function categoryOf(r: TfResource): string {
  for (const [name, test] of CATEGORIES) if (test(r)) return name;
  const service = r.type.replace(/^aws_/, '').split('_')[0];
  return service.length <= 4 ? service.toUpperCase() : service[0].toUpperCase() + service.slice(1);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

function shortType(type: string): string {
  return type.replace(/^aws_/, '').replace(/_/g, ' ');
}

class Builder {
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
    const n: PicNode = { ...node, addresses: this.claim(node.id, node.addresses) };
    if (existing) return existing;
    this.nodes.set(n.id, n);
    return n;
  }

  addEdge(edge: Omit<PicEdge, 'id' | 'label'> & { ports: string[] }): void {
    const id = `${edge.kind}:${edge.from}->${edge.to}`;
    const prev = this.edges.get(id);
    const addresses = this.claim(id, edge.addresses);
    const ports = new Set([...(prev ? prev.label.split(', ') : []), ...edge.ports]);
    this.edges.set(id, {
      id,
      kind: edge.kind,
      from: edge.from,
      to: edge.to,
      label: [...ports].filter(Boolean).sort().join(', '),
      worldOpen: (prev?.worldOpen ?? false) || edge.worldOpen,
      addresses: [...(prev?.addresses ?? []), ...addresses],
    });
  }
}

/** The subnets a resource names through subnet arguments (not inside free text such as a command line). */
function subnetRefs(b: Builder, r: TfResource): string[] {
  const refs = referencesIn(valuesOfKeys(r.body, ['subnet_id', 'subnets', 'subnet_ids']));
  return refs.filter((a) => b.byAddress.get(a)?.type === 'aws_subnet');
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

function resolveCidr(b: Builder, value: unknown): string | undefined {
  const text = literal(value);
  if (text) return text;
  const [ref] = referencesIn(value);
  const target = ref ? b.byAddress.get(ref) : undefined;
  if (target?.type === 'aws_vpc') return `VPC ${literal(target.body.cidr_block) ?? ''}`.trim();
  return typeof value === 'string' ? value : undefined;
}

export function buildPicture(stack: string, doc: TerraformJson): Picture {
  const resources = readResources(doc).filter((r) => r.mode === 'managed' || DRAWN_DATA.has(r.type));
  const b = new Builder(resources);

  // --- the network: VPCs, tiers, subnets per zone ---------------------------------------------------------------
  const subnetCluster = new Map<string, string>();
  const tierCluster = new Map<string, string>(); // `${vpc}|${tier}` -> cluster id
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
    const subnets = b.of('aws_subnet').filter((s) => referencesIn(s.body.vpc_id).includes(vpc.address));
    const tiers = [...new Set(subnets.map(tierOf))].sort((x, y) => (x === 'public' ? -1 : y === 'public' ? 1 : 0));
    for (const tier of tiers) {
      const id = `${vpc.address}|tier:${tier}`;
      tierCluster.set(`${vpc.address}|${tier}`, id);
      b.clusters.push({ id, kind: 'tier', label: `${tier} tier`, parent: vpc.address, addresses: [] });
      for (const s of subnets.filter((x) => tierOf(x) === tier)) {
        const zone = literal(s.body.availability_zone) ?? 'zone ?';
        const routing = b.resources.filter(
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
          addresses: [s.address, ...routing.map((r) => r.address)],
        });
      }
    }
  }

  const vpcOfSubnet = (subnet: string): string => referencesIn(b.byAddress.get(subnet)?.body.vpc_id)[0] ?? '';
  /** Where a resource with these subnets sits: its one subnet, else its tier, else its VPC. */
  const placement = (subnets: string[]): string => {
    if (subnets.length === 1) return subnetCluster.get(subnets[0]) ?? '';
    if (subnets.length === 0) return '';
    const tiers = new Set(subnets.map((s) => tierOf(b.byAddress.get(s)!)));
    const vpc = vpcOfSubnet(subnets[0]);
    if (tiers.size === 1) return tierCluster.get(`${vpc}|${[...tiers][0]}`) ?? vpc;
    return vpc;
  };

  // --- the internet side -------------------------------------------------------------------------------------
  for (const igw of b.of('aws_internet_gateway')) {
    b.addNode({
      id: igw.address,
      kind: 'igw',
      lines: ['Internet gateway'],
      cluster: referencesIn(igw.body.vpc_id)[0] ?? '',
      addresses: [igw.address],
    });
  }

  // --- placed resources --------------------------------------------------------------------------------------
  const enis = b.of('aws_network_interface');
  /** Resources that stand for an ENI they use (an instance with `network_interface`). */
  const eniOwner = new Map<string, TfResource>();
  for (const r of b.resources)
    if (r.type !== 'aws_network_interface')
      for (const ref of referencesIn(valuesOfKeys(r.body, ['network_interface', 'network_interface_id'])))
        if (b.byAddress.get(ref)?.type === 'aws_network_interface') eniOwner.set(ref, r);
  const sgOwners = new Map<string, string[]>(); // SG address -> node ids

  const ownSecurityGroups = (r: TfResource, extra: readonly TfResource[] = []): string[] =>
    [r, ...extra]
      .flatMap((x) =>
        referencesIn(valuesOfKeys(x.body, ['security_groups', 'vpc_security_group_ids', 'security_group_ids'])),
      )
      .filter((a) => b.byAddress.get(a)?.type === 'aws_security_group');

  const placeNode = (
    r: TfResource,
    kind: NodeKind,
    lines: string[],
    subnets: string[],
    absorbed: readonly TfResource[],
    sgFrom: readonly TfResource[] = [],
  ): void => {
    const sgs = ownSecurityGroups(r, sgFrom);
    for (const sg of sgs) sgOwners.set(sg, [...(sgOwners.get(sg) ?? []), r.address]);
    b.addNode({
      id: r.address,
      kind,
      lines,
      cluster: placement(subnets),
      addresses: [r.address, ...absorbed.map((x) => x.address), ...sgs],
    });
  };

  const referrers = (target: string, types: readonly string[]): TfResource[] =>
    b.resources.filter((r) => types.includes(r.type) && referencesIn(r.body).includes(target));

  for (const lb of [...b.of('aws_lb'), ...b.of('aws_alb'), ...b.of('aws_elb')]) {
    const listeners = referrers(lb.address, ['aws_lb_listener', 'aws_alb_listener']);
    const groups = listeners.flatMap((l) =>
      referencesIn(l.body)
        .filter((a) => /^aws_(a)?lb_target_group\./.test(a))
        .map((a) => b.byAddress.get(a)!),
    );
    const certs = listeners.flatMap((l) =>
      referencesIn(l.body.certificate_arn)
        .map((a) => b.byAddress.get(a))
        .filter((x): x is TfResource => !!x),
    );
    const listenerText = listeners
      .map((l) => `${String(l.body.protocol ?? '')} :${String(l.body.port ?? '?')}`)
      .sort()
      .join(', ');
    const internal = lb.body.internal === true ? 'internal' : 'internet-facing';
    placeNode(
      lb,
      'lb',
      [
        `Load balancer ${displayName(lb)}`,
        `${internal}${listenerText ? ` · ${listenerText}` : ''}`,
        ...[...new Set(groups)].map(
          (g) =>
            `target group :${String(g.body.port ?? '?')}${literal(g.body.health_check && (g.body.health_check as Record<string, unknown>).path) ? ` health ${String((g.body.health_check as Record<string, unknown>).path)}` : ''}`,
        ),
      ],
      subnetRefs(b, lb),
      [...listeners, ...new Set(groups), ...new Set(certs)],
    );
  }

  for (const nat of b.of('aws_nat_gateway')) {
    const eips = referencesIn(nat.body.allocation_id)
      .map((a) => b.byAddress.get(a))
      .filter((x): x is TfResource => !!x);
    placeNode(nat, 'nat', [`NAT gateway`, displayName(nat)], subnetRefs(b, nat), eips);
  }

  for (const svc of b.of('aws_ecs_service')) {
    const clusterRefs = referencesIn(svc.body.cluster)
      .map((a) => b.byAddress.get(a))
      .filter((x): x is TfResource => !!x);
    const taskDefs = referencesIn(svc.body.task_definition)
      .map((a) => b.byAddress.get(a))
      .filter((x): x is TfResource => !!x);
    const td = taskDefs[0]?.body;
    const lines = [`ECS service ${displayName(svc)}`];
    if (td)
      lines.push(
        `${String(svc.body.launch_type ?? 'tasks')} · cpu ${String(td.cpu ?? '?')} · memory ${String(td.memory ?? '?')}`,
      );
    if (clusterRefs[0]) lines.push(`cluster ${displayName(clusterRefs[0])}`);
    const scaling = b.resources.filter(
      (r) =>
        r.type.startsWith('aws_appautoscaling_') &&
        (String(r.body.resource_id ?? '').includes(String(svc.body.name ?? '\0')) ||
          referencesIn(r.body).some((a) => a === svc.address || clusterRefs.some((c) => c.address === a))),
    );
    const targets = scaling.filter((r) => r.type === 'aws_appautoscaling_target');
    if (targets[0])
      lines.push(
        `auto scaling ${String(targets[0].body.min_capacity ?? '?')}-${String(targets[0].body.max_capacity ?? '?')} tasks`,
      );
    placeNode(svc, 'ecs', lines, subnetRefs(b, svc), [...clusterRefs, ...taskDefs, ...scaling]);
  }

  const attachments = b.of('aws_volume_attachment');
  for (const inst of b.of('aws_instance')) {
    const myEnis = enis.filter((e) => eniOwner.get(e.address) === inst);
    const vols = attachments.filter((a) => referencesIn(a.body.instance_id).includes(inst.address));
    const volumes = vols.flatMap((a) =>
      referencesIn(a.body.volume_id)
        .map((v) => b.byAddress.get(v))
        .filter((x): x is TfResource => !!x),
    );
    const profile = referencesIn(inst.body.iam_instance_profile).length > 0 ? ['IAM instance profile'] : [];
    const lines = [
      displayName(inst),
      `EC2 ${String(inst.body.instance_type ?? '')}${(inst.body.metadata_options as Record<string, unknown> | undefined)?.http_tokens === 'required' ? ' · IMDSv2' : ''}`,
      ...volumes.map(
        (v) =>
          `data volume ${String(v.body.size ?? '?')} GB ${String(v.body.type ?? '')}${v.body.encrypted === true ? ' encrypted' : ''}`,
      ),
      ...profile.slice(0, 0),
    ];
    placeNode(
      inst,
      'instance',
      lines,
      [...new Set([...subnetRefs(b, inst), ...myEnis.flatMap((e) => subnetRefs(b, e))])],
      [...myEnis, ...vols, ...volumes],
      myEnis,
    );
  }

  for (const ep of b.of('aws_vpc_endpoint')) {
    const service = literal(ep.body.service_name)?.split('.').pop() ?? displayName(ep);
    const subnets = subnetRefs(b, ep);
    placeNode(ep, 'endpoint', [`VPC endpoint ${service}`, String(ep.body.vpc_endpoint_type ?? 'Gateway')], subnets, []);
    if (subnets.length === 0) {
      const vpc = referencesIn(ep.body.vpc_id)[0];
      if (vpc) b.nodes.set(ep.address, { ...b.nodes.get(ep.address)!, cluster: vpc });
    }
  }

  // Any other resource with subnet arguments (a Lambda in the VPC, an RDS subnet group, ...): placed generically.
  for (const r of b.resources) {
    if (b.claimed.has(r.address) || PLUMBING_TYPES.has(r.type) || r.type === 'aws_network_interface') continue;
    const subnets = subnetRefs(b, r);
    if (subnets.length === 0) continue;
    placeNode(r, 'generic', [displayName(r), shortType(r.type)], subnets, []);
  }
  // ENIs nobody stands for are nodes of their own.
  for (const e of enis) {
    if (b.claimed.has(e.address)) continue;
    placeNode(e, 'generic', [displayName(e), 'network interface'], subnetRefs(b, e), []);
  }

  // --- security-group relations ------------------------------------------------------------------------------
  const sgNode = (sg: string): string[] => {
    const owners = sgOwners.get(sg);
    if (owners?.length) return owners;
    const r = b.byAddress.get(sg);
    if (!r) return [];
    const vpc = referencesIn(r.body.vpc_id)[0] ?? '';
    b.addNode({
      id: sg,
      kind: 'sg',
      lines: [`security group ${displayName(r)}`, '(attached to nothing here)'],
      cluster: vpc,
      addresses: [sg],
    });
    return [sg];
  };
  for (const sg of b.of('aws_security_group')) sgNode(sg.address);

  const internetId = 'internet';
  const cidrNode = (cidr: string): string => {
    if (isWorld(cidr)) {
      b.addNode({ id: internetId, kind: 'internet', lines: ['Internet'], cluster: '', addresses: [] });
      return internetId;
    }
    const id = `cidr:${cidr}`;
    b.addNode({ id, kind: 'cidr', lines: [cidr], cluster: '', addresses: [] });
    return id;
  };

  type Rule = {
    address: string;
    direction: 'ingress' | 'egress';
    sg: string;
    peerSg?: string;
    cidrs: string[];
    body: Record<string, unknown>;
  };
  const rules: Rule[] = [];
  for (const r of b.resources) {
    if (!SG_RULE_TYPES.has(r.type)) continue;
    const direction: Rule['direction'] =
      r.type === 'aws_vpc_security_group_egress_rule' || r.body.type === 'egress' ? 'egress' : 'ingress';
    const sg = referencesIn(r.body.security_group_id)[0];
    const peerSg = referencesIn(r.body.referenced_security_group_id ?? r.body.source_security_group_id)[0];
    const cidrs = [
      ...asArray(r.body.cidr_ipv4),
      ...asArray(r.body.cidr_ipv6),
      ...asArray(r.body.cidr_blocks),
      ...asArray(r.body.ipv6_cidr_blocks),
      ...asArray(r.body.prefix_list_id),
    ]
      .map((c) => resolveCidr(b, c))
      .filter((c): c is string => !!c);
    if (sg) rules.push({ address: r.address, direction, sg, peerSg, cidrs, body: r.body as Record<string, unknown> });
  }
  // Inline rules of aws_security_group (ingress/egress blocks).
  for (const sg of b.of('aws_security_group')) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const block of asArray(sg.body[direction]) as Record<string, unknown>[]) {
        const peers = referencesIn(block.security_groups);
        const cidrs = [...asArray(block.cidr_blocks), ...asArray(block.ipv6_cidr_blocks)]
          .map((c) => resolveCidr(b, c))
          .filter((c): c is string => !!c);
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
  for (const rule of rules) {
    const ports = [portText(rule.body)];
    const selves = sgNode(rule.sg);
    if (rule.peerSg) {
      const peers = sgNode(rule.peerSg);
      for (const self of selves)
        for (const peer of peers) {
          const [from, to] = rule.direction === 'ingress' ? [peer, self] : [self, peer];
          b.addEdge({ kind: 'traffic', from, to, ports, worldOpen: false, addresses: [rule.address] });
        }
      continue;
    }
    for (const cidr of rule.cidrs) {
      const other = cidrNode(cidr);
      const world = isWorld(cidr);
      const family = cidr.includes(':') ? 'IPv6' : 'IPv4';
      for (const self of selves) {
        if (rule.direction === 'ingress')
          b.addEdge({
            kind: 'traffic',
            from: other,
            to: self,
            ports: [world ? `${ports[0]} ${family}` : ports[0]],
            worldOpen: world,
            addresses: [rule.address],
          });
        else b.addEdge({ kind: 'egress', from: self, to: other, ports, worldOpen: false, addresses: [rule.address] });
      }
    }
  }

  // --- routes: a subnet's default route through a NAT gateway ----------------------------------------------------
  for (const route of b.of('aws_route')) {
    const nat = referencesIn(route.body.nat_gateway_id)[0];
    const table = referencesIn(route.body.route_table_id)[0];
    if (!nat || !table || !b.nodes.has(nat)) continue;
    const subnets = b.resources
      .filter((r) => r.type === 'aws_route_table_association' && referencesIn(r.body.route_table_id).includes(table))
      .flatMap((r) => referencesIn(r.body.subnet_id))
      .filter((a) => b.nodes.has(a));
    for (const subnet of subnets)
      b.addEdge({
        kind: 'route',
        from: subnet,
        to: nat,
        ports: [literal(route.body.destination_cidr_block) ?? 'route'],
        worldOpen: false,
        addresses: [route.address, table],
      });
  }

  // --- IAM relations, drawn when the stack has no network (the global stack) --------------------------------------
  const hasNetwork = b.clusters.some((c) => c.kind === 'vpc');
  if (!hasNetwork) {
    const principals = b.resources.filter((r) =>
      ['aws_iam_user', 'aws_iam_group', 'aws_iam_role', 'aws_iam_policy', 'aws_iam_openid_connect_provider'].includes(
        r.type,
      ),
    );
    if (principals.length) b.clusters.push({ id: 'group:iam', kind: 'group', label: 'IAM', parent: '', addresses: [] });
    for (const r of principals) {
      const kind = r.type.replace(/^aws_iam_/, '').replace(/_/g, ' ');
      const label = r.type === 'aws_iam_openid_connect_provider' ? 'OIDC provider' : kind;
      b.addNode({
        id: r.address,
        kind: 'iam',
        lines: [displayName(r), label],
        cluster: 'group:iam',
        addresses: [r.address],
      });
    }
    for (const r of b.resources) {
      if (!/^aws_iam_.*(attachment|membership)$/.test(r.type)) continue;
      const refs = referencesIn(r.body).filter((a) => b.nodes.has(a));
      const policies = refs.filter((a) => a.startsWith('aws_iam_policy.'));
      const holders = refs.filter((a) => !a.startsWith('aws_iam_policy.'));
      const users = holders.filter((a) => a.startsWith('aws_iam_user.'));
      const [sources, targets] = policies.length
        ? [holders, policies]
        : [users, holders.filter((a) => !a.startsWith('aws_iam_user.'))];
      for (const from of sources)
        for (const to of targets)
          b.addEdge({
            kind: 'iam',
            from,
            to,
            ports: [r.type.endsWith('membership') ? 'member of' : 'attached'],
            worldOpen: false,
            addresses: [r.address],
          });
    }
    for (const role of b.of('aws_iam_role')) {
      for (const ref of referencesIn(role.body.assume_role_policy))
        if (b.nodes.has(ref))
          b.addEdge({
            kind: 'iam',
            from: ref,
            to: role.address,
            ports: ['trusted by'],
            worldOpen: false,
            addresses: [],
          });
      for (const ref of referencesIn(role.body.permissions_boundary))
        if (b.nodes.has(ref))
          b.addEdge({
            kind: 'iam',
            from: role.address,
            to: ref,
            ports: ['bounded by'],
            worldOpen: false,
            addresses: [],
          });
    }
  }

  // --- the side panel: everything else, by kind, with its dependants folded in ------------------------------------
  const rest = b.resources.filter((r) => !b.claimed.has(r.address));
  const restSet = new Set(rest.map((r) => r.address));
  const parentOf = new Map<string, string>();
  const hasOwnName = (r: TfResource): boolean =>
    ['name', 'alarm_name', 'bucket', 'dashboard_name', 'name_prefix'].some((k) => literal(r.body[k]) !== undefined) ||
    literal(((r.body.tags ?? {}) as Record<string, unknown>).Name) !== undefined;
  for (const r of rest) {
    const cat = categoryOf(r);
    const same = referencesIn(r.body).filter(
      (a) => restSet.has(a) && a !== r.address && categoryOf(b.byAddress.get(a)!) === cat,
    );
    // A dependant (secret version, bucket setting, role policy, instance profile) folds into what it configures.
    const isDependant =
      !hasOwnName(r) ||
      /_(version|policy|attachment|configuration|controls|block|profile|subscription|rotation|alias|association)$/.test(
        r.type,
      );
    if (same.length && isDependant && r.type !== 'aws_cloudwatch_metric_alarm' && r.type !== 'null_resource')
      parentOf.set(r.address, same[0]);
  }
  const root = (a: string): string => {
    const seen = new Set<string>();
    while (parentOf.has(a) && !seen.has(a)) {
      seen.add(a);
      a = parentOf.get(a)!;
    }
    return a;
  };
  const groups = new Map<string, TfResource[]>();
  for (const r of rest) groups.set(root(r.address), [...(groups.get(root(r.address)) ?? []), r]);
  for (const [head, members] of groups) {
    const r = b.byAddress.get(head)!;
    const extras = members.filter((m) => m.address !== head).map((m) => shortType(m.type));
    const counted = [...new Set(extras)].map((t) => {
      const n = extras.filter((e) => e === t).length;
      return n > 1 ? `${n} × ${t}` : t;
    });
    const prefix = r.mode === 'data' ? `looked up ${shortType(r.type)}` : shortType(r.type);
    const command = valuesOfKeys(r.body, ['command']).find((c): c is string => typeof c === 'string');
    const runs = command ? ` runs "${command.split(' ').slice(0, 6).join(' ')} …"` : '';
    b.panel.push({
      id: `panel:${head}`,
      category: categoryOf(r),
      text: `${prefix}: ${displayName(r)}${runs}${counted.length ? ` (+ ${counted.join(', ')})` : ''}`,
      addresses: b.claim(
        `panel:${head}`,
        members.map((m) => m.address),
      ),
    });
  }
  const order = CATEGORIES.map(([n]) => n);
  const rank = (c: string): number => (c === 'Network plumbing' ? 99 : order.includes(c) ? order.indexOf(c) : 50);
  b.panel.sort(
    (x, y) =>
      rank(x.category) - rank(y.category) || x.category.localeCompare(y.category) || x.text.localeCompare(y.text),
  );

  return {
    stack,
    clusters: b.clusters,
    nodes: [...b.nodes.values()].sort((x, y) => x.id.localeCompare(y.id)),
    edges: [...b.edges.values()].sort((x, y) => x.id.localeCompare(y.id)),
    panel: b.panel,
  };
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
