/**
 * The panels beside the network: every resource no node, arrow or cluster drew, grouped by what it is for (AMI
 * pipeline, secrets, keys, alarms, IAM, logs, then its AWS service for kinds nobody wrote code for), one row per
 * resource with its dependants (secret versions, bucket settings, role policies) folded into the row of what they
 * configure. Rows name things whole: the drawing wraps long text, it never cuts it.
 */
import { type Builder, shortType } from './picture';
import { displayName, literal, referencesIn, valuesOfKeys } from './terraform';
import type { TfResource } from './terraform';

/** Types drawn as the network's fabric rather than as things of their own. */
export const PLUMBING_TYPES = new Set([
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

/** Panel categories, in panel order; the first match wins. Anything else: its AWS service, from its type. */
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

export function categoryOf(r: TfResource): string {
  for (const [name, test] of CATEGORIES) if (test(r)) return name;
  const service = r.type.replace(/^aws_/, '').split('_')[0];
  return service.length <= 4 ? service.toUpperCase() : service[0].toUpperCase() + service.slice(1);
}

/** What a local-exec resource runs, as a reader needs it: the command's words before its first option, and what re-runs it. */
function runsNote(r: TfResource): string | undefined {
  const command = valuesOfKeys(r.body, ['command']).find((c): c is string => typeof c === 'string');
  if (!command) return undefined;
  const words = command.split(/\s+/);
  const firstOption = words.findIndex((w, i) => i > 0 && /^--[a-z]/.test(w));
  const head = words.slice(0, firstOption < 0 ? words.length : firstOption).join(' ');
  const triggers = Object.keys((r.body.triggers ?? {}) as Record<string, unknown>).sort();
  return `runs "${head}"${triggers.length ? ` again when ${triggers.join(', ')} change` : ''}`;
}

/** Rows for every resource not drawn yet. */
export function drawPanel(b: Builder): void {
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
    const note = runsNote(r);
    b.panel.push({
      id: `panel:${head}`,
      category: categoryOf(r),
      kind: r.mode === 'data' ? `looked up ${shortType(r.type)}` : shortType(r.type),
      name: displayName(r),
      ...(note ? { note } : {}),
      with: counted,
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
      rank(x.category) - rank(y.category) ||
      x.category.localeCompare(y.category) ||
      x.kind.localeCompare(y.kind) ||
      x.name.localeCompare(y.name),
  );
}
