/**
 * The picture of one stack, built from its synthesized JSON and the policy gate's verdict on it: the VPC with its
 * tiers and subnets per zone (network.ts), the resources placed in the subnets they name (load balancer, NAT, ECS
 * service, instances, and any other resource with subnets: a Lambda in the VPC lands there without code here),
 * security-group rules and the way out through NAT (traffic.ts), IAM relations when the stack has no network, and
 * panels that list every other resource by kind (panel.ts).
 *
 * Every resource of the stack belongs to exactly one drawn element (node, arrow, cluster or panel row), so a change
 * to any of them shows in the change drawing.
 */
import type { GateVerdict } from './gate';
import { drawNetwork } from './network';
import { drawPanel, PLUMBING_TYPES } from './panel';
import { Builder, shortType, type NodeKind, type Picture } from './picture';
import { displayName, literal, readResources, referencesIn, valuesOfKeys } from './terraform';
import type { TfResource } from './terraform';
import type { TerraformJson } from '../../lib/synth-output';
import { drawRoutes, drawTraffic } from './traffic';

export { drawnAddresses } from './picture';
export type { EdgeKind, NodeKind, PanelRow, PicCluster, PicEdge, PicNode, Picture } from './picture';

/** Data sources worth a row (the image the hosts boot, certificates); other lookups are not resources. */
const DRAWN_DATA = new Set(['aws_ami', 'aws_acm_certificate']);

const IAM_NODE_TYPES = [
  'aws_iam_user',
  'aws_iam_group',
  'aws_iam_role',
  'aws_iam_policy',
  'aws_iam_openid_connect_provider',
];

/** IAM principals and policies as nodes, with attachments, memberships, trust and boundaries as arrows. */
function drawIam(b: Builder): void {
  const principals = b.resources.filter((r) => IAM_NODE_TYPES.includes(r.type));
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
          items: [r.type.endsWith('membership') ? 'member of' : 'attached'],
          addresses: [r.address],
        });
  }
  for (const role of b.of('aws_iam_role')) {
    for (const ref of referencesIn(role.body.assume_role_policy))
      if (b.nodes.has(ref))
        b.addEdge({ kind: 'iam', from: ref, to: role.address, items: ['trusted by'], addresses: [] });
    for (const ref of referencesIn(role.body.permissions_boundary))
      if (b.nodes.has(ref))
        b.addEdge({ kind: 'iam', from: role.address, to: ref, items: ['bounded by'], addresses: [] });
  }
}

export function buildPicture(stack: string, doc: TerraformJson, gate: GateVerdict): Picture {
  const resources = readResources(doc).filter((r) => r.mode === 'managed' || DRAWN_DATA.has(r.type));
  const b = new Builder(resources);
  const net = drawNetwork(b);

  // --- the internet side -------------------------------------------------------------------------------------
  for (const igw of b.of('aws_internet_gateway')) {
    b.addNode({
      id: igw.address,
      kind: 'igw',
      lines: ['Internet gateway', displayName(igw)],
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
  const subnetsOfNode = new Map<string, string[]>();

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
    subnetsOfNode.set(r.address, subnets);
    b.addNode({
      id: r.address,
      kind,
      lines,
      cluster: net.placement(subnets),
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
      .map((l) => `${String(l.body.protocol ?? '')}\u00a0:${String(l.body.port ?? '?')}`)
      .sort()
      .join(', ');
    const internal = lb.body.internal === true ? 'internal' : 'internet-facing';
    const health = (g: TfResource): string => {
      const path = literal((g.body.health_check as Record<string, unknown> | undefined)?.path);
      return path ? ` health ${path}` : '';
    };
    placeNode(
      lb,
      'lb',
      [
        `Load balancer ${displayName(lb)}`,
        `${internal}${listenerText ? ` · ${listenerText}` : ''}`,
        ...[...new Set(groups)].map((g) => `target group :${String(g.body.port ?? '?')}${health(g)}`),
      ],
      net.subnetsOf(lb),
      [...listeners, ...new Set(groups), ...new Set(certs)],
    );
  }

  for (const nat of b.of('aws_nat_gateway')) {
    const eips = referencesIn(nat.body.allocation_id)
      .map((a) => b.byAddress.get(a))
      .filter((x): x is TfResource => !!x);
    placeNode(nat, 'nat', [`NAT gateway`, displayName(nat)], net.subnetsOf(nat), eips);
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
    placeNode(svc, 'ecs', lines, net.subnetsOf(svc), [...clusterRefs, ...taskDefs, ...scaling]);
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
    const imds = (inst.body.metadata_options as Record<string, unknown> | undefined)?.http_tokens === 'required';
    const lines = [
      displayName(inst),
      `EC2 ${String(inst.body.instance_type ?? '')}${imds ? ' · IMDSv2' : ''}`,
      ...volumes.map(
        (v) =>
          `data volume ${String(v.body.size ?? '?')} GB ${String(v.body.type ?? '')}${v.body.encrypted === true ? ' encrypted' : ''}`,
      ),
    ];
    placeNode(
      inst,
      'instance',
      lines,
      [...new Set([...net.subnetsOf(inst), ...myEnis.flatMap((e) => net.subnetsOf(e))])],
      [...myEnis, ...vols, ...volumes],
      myEnis,
    );
  }

  for (const ep of b.of('aws_vpc_endpoint')) {
    const service = literal(ep.body.service_name)?.split('.').pop() ?? displayName(ep);
    const subnets = net.subnetsOf(ep);
    placeNode(ep, 'endpoint', [`VPC endpoint ${service}`, String(ep.body.vpc_endpoint_type ?? 'Gateway')], subnets, []);
    if (subnets.length === 0) {
      const vpc = referencesIn(ep.body.vpc_id)[0];
      if (vpc) b.nodes.set(ep.address, { ...b.nodes.get(ep.address)!, cluster: vpc });
    }
  }

  // Any other resource with subnet arguments (a Lambda in the VPC, an RDS subnet group, ...): placed generically.
  for (const r of b.resources) {
    if (b.claimed.has(r.address) || PLUMBING_TYPES.has(r.type) || r.type === 'aws_network_interface') continue;
    const subnets = net.subnetsOf(r);
    if (subnets.length === 0) continue;
    placeNode(r, 'generic', [displayName(r), shortType(r.type)], subnets, []);
  }
  // ENIs nobody stands for are nodes of their own.
  for (const e of enis) {
    if (b.claimed.has(e.address)) continue;
    placeNode(e, 'generic', [displayName(e), 'network interface'], net.subnetsOf(e), []);
  }

  drawTraffic(b, net, gate, sgOwners, subnetsOfNode);
  drawRoutes(b, net);
  // IAM relations are drawn when the stack has no network (the global stack); elsewhere IAM is a panel.
  if (!b.clusters.some((c) => c.kind === 'vpc')) drawIam(b);
  drawPanel(b);

  return {
    stack,
    clusters: b.clusters,
    nodes: [...b.nodes.values()].sort((x, y) => x.id.localeCompare(y.id)),
    edges: [...b.edges.values()].sort((x, y) => x.id.localeCompare(y.id)),
    panel: b.panel,
  };
}
