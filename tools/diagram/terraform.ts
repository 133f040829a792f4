/**
 * Reading synthesized Terraform JSON (`cdktf.out/stacks/<stack>/cdk.tf.json`) for the diagrams: the resources and
 * data sources as flat records with their addresses, the references between them, and the values the drawings
 * and the change table name (ports, CIDRs, IAM actions). Pure: no file system, no app.
 */
import { stackBlocks, type TerraformJson } from '../../lib/synth-output';

export interface TfResource {
  /** `aws_lb.load-balancer_alb_15AADC07` or `data.aws_ami.neo4j-ami_image_67BC1D8B`. */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** The resource's arguments, without cdktf's `//` metadata. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The construct path without the stack (`load-balancer/alb`), when cdktf recorded it. */
  readonly constructPath?: string;
}

/** Every resource and data source of a stack, sorted by address (so everything drawn from it is deterministic). */
export function readResources(doc: TerraformJson): TfResource[] {
  const out: TfResource[] = [];
  for (const { address, mode, type, name, body: raw } of stackBlocks(doc)) {
    const { '//': meta, ...body } = raw;
    const metaPath = (meta as { metadata?: { path?: unknown } } | undefined)?.metadata?.path;
    out.push({
      address,
      mode,
      type,
      name,
      body,
      constructPath: typeof metaPath === 'string' ? metaPath.split('/').slice(1).join('/') : undefined,
    });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

const REFERENCE = /\b(data\.)?((?:aws|null|random|time|tls|archive)_[a-z0-9_]+|null_resource)\.([A-Za-z0-9_-]+)/g;

const referenceCache = new WeakMap<object, string[]>();

/** Addresses of the resources a value refers to (`${aws_x.y.id}`, also inside jsonencode(...) expressions). */
export function referencesIn(value: unknown): string[] {
  if (!value || typeof value !== 'object') return scanReferences(value);
  let refs = referenceCache.get(value);
  if (!refs) referenceCache.set(value, (refs = scanReferences(value)));
  return [...refs];
}

function scanReferences(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return;
      for (const m of v.matchAll(REFERENCE)) found.add(`${m[1] ?? ''}${m[2]}.${m[3]}`);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found].sort();
}

/** Values of every key named one of `keys`, at any depth (e.g. all `subnet_id` / `subnets`). */
export function valuesOfKeys(value: unknown, keys: readonly string[]): unknown[] {
  const out: unknown[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (keys.includes(k)) out.push(child);
        else visit(child);
      }
    }
  };
  visit(value);
  return out;
}

/** A literal string value, or undefined when absent or an unresolved reference. */
export function literal(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value.includes('${')) return undefined;
  return value;
}

/** The name a person knows a resource by: its name-like argument or Name tag; else its construct path. */
export function displayName(r: TfResource): string {
  const b = r.body;
  const tags = (b.tags ?? {}) as Record<string, unknown>;
  for (const candidate of [
    b.name,
    b.alarm_name,
    b.function_name,
    b.bucket,
    b.dashboard_name,
    b.family,
    tags.Name,
    b.name_prefix,
    b.url,
    b.description,
  ]) {
    const text = literal(candidate);
    if (text) return text; // whole: the drawing wraps long names, it never cuts them
  }
  return r.constructPath ?? r.name;
}

/** `:5000`, `:1024-65535`, `all` from a rule's protocol and port range. */
export function portText(rule: Readonly<Record<string, unknown>>): string {
  const protocol = String(rule.ip_protocol ?? rule.protocol ?? 'tcp');
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  const from = rule.from_port;
  const to = rule.to_port ?? from;
  const proto = protocol === 'tcp' || protocol === '6' ? '' : `${protocol} `;
  if (from === undefined) return `${proto}all ports`;
  if (from === to) return `${proto}:${String(from)}`;
  if (Number(from) === 0 && Number(to) === 65535) return `${proto}all ports`;
  return `${proto}:${String(from)}-${String(to)}`;
}

/** A CIDR open to the whole internet (IPv4 /0 or IPv6 /0). */
export function isWorld(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/** The IAM actions a resource grants or names: JSON policy strings and policy-document data sources. */
export function iamActions(r: TfResource): string[] {
  const actions = new Set<string>();
  const add = (v: unknown, prefix = ''): void => {
    for (const a of Array.isArray(v) ? v : v === undefined ? [] : [v])
      if (typeof a === 'string') actions.add(prefix + a);
  };
  const fromDocument = (doc: unknown): void => {
    const statements = (doc as { Statement?: unknown })?.Statement;
    for (const s of (Array.isArray(statements) ? statements : statements ? [statements] : []) as Record<
      string,
      unknown
    >[]) {
      add(s.Action);
      add(s.NotAction, 'not ');
    }
  };
  for (const key of ['policy', 'assume_role_policy', 'inline_policy']) {
    const v = r.body[key];
    if (typeof v === 'string' && v.trim().startsWith('{')) {
      try {
        fromDocument(JSON.parse(v));
      } catch {
        // not JSON (an expression): the references name it instead
      }
    } else if (typeof v === 'string') {
      // jsonencode({... "Action" = "sts:AssumeRoleWithWebIdentity" ...}) as cdktf renders Fn.jsonencode
      for (const m of v.matchAll(/"(Not)?Action"\s*[=:]\s*(\[[^\]]*\]|"[^"]*")/g))
        for (const a of m[2].matchAll(/"([^"]+)"/g)) actions.add((m[1] ? 'not ' : '') + a[1]);
    }
  }
  if (r.type === 'aws_iam_policy_document') {
    const statements = r.body.statement;
    for (const s of (Array.isArray(statements) ? statements : statements ? [statements] : []) as Record<
      string,
      unknown
    >[]) {
      add(s.actions);
      add(s.not_actions, 'not ');
    }
  }
  return [...actions].sort();
}
