/**
 * The local copy of a synthesized stack: what this machine's terraform (provider 5.100 from the mirror, no null or
 * random provider) can read, plan and apply. The product JSON is never changed; the copy is a new document and every
 * difference is listed in `changes`, so a report or a test can print exactly what stood in for what:
 * - the AWS provider version (production pins 6.x) and no backend (the copy keeps its state locally);
 * - the 6.x-only attributes of the reviewed schema-gap list, set aside;
 * - `null_resource` and `random_password` stood in by Terraform's built-in `terraform_data` (STAND_INS);
 * - against moto: the provider's endpoints and dummy credentials, the reviewed exclusions with what depends on them,
 *   and the reviewed attributes moto cannot serve, set aside.
 */
import { LOCAL_PROVIDER_SOURCE, LOCAL_PROVIDER_VERSION } from './local-provider';
import { MotoExclusion, motoProviderSettings } from './moto';
import { SCHEMA_GAPS, SchemaGap } from './schema-gaps';
import { TerraformError } from './errors';
import type { Blocks, TerraformJson } from '../../lib/synth-output';

export type LocalChangeKind =
  'provider' | 'backend' | 'set-aside' | 'stand-in' | 'moto-endpoints' | 'excluded' | 'moto-set-aside';

/** One difference between the product JSON and the copy. */
export interface LocalChange {
  readonly kind: LocalChangeKind;
  /** What the product JSON holds: an address, an address + attribute path, or a block. */
  readonly subject: string;
  /** What the copy holds instead ('(removed)' when nothing). */
  readonly instead: string;
  readonly reason: string;
}

/** A resource type of a provider this machine lacks, and the built-in that stands in for it. */
export interface StandIn {
  readonly type: string;
  readonly provider: string;
  readonly insteadType: 'terraform_data';
  /** How the stand-in is written, and what it keeps. */
  readonly how: string;
}

export const STAND_INS: readonly StandIn[] = [
  {
    type: 'null_resource',
    provider: 'hashicorp/null',
    insteadType: 'terraform_data',
    how: 'triggers become triggers_replace; the same provisioners (the AMI bake local-exec) and depends_on, run at the same point of the apply',
  },
  {
    type: 'random_password',
    provider: 'hashicorp/random',
    insteadType: 'terraform_data',
    how: 'input = a sensitive variable the harness fills with a fresh random value of the same length and alphabet; references to .result read .output',
  },
];

const STAND_IN_REASON =
  'provider not in the machine’s mirror and not downloadable here; terraform_data is built into Terraform (>= 1.4)';

/** A secret the harness generates for a random_password stand-in (never printed). */
export interface SecretVariable {
  /** The Terraform variable name (TF_VAR_<name>). */
  readonly name: string;
  readonly length: number;
  /** False: letters and digits only. */
  readonly special: boolean;
}

export interface LocalCopyOptions {
  /** The reviewed 6.x-only attributes to set aside. @default SCHEMA_GAPS */
  readonly schemaGaps?: readonly SchemaGap[];
  /**
   * Point the copy at a moto server, leave out the resources it cannot serve (with what depends on them) and set aside
   * the attributes it cannot serve. @default - no moto settings
   */
  readonly moto?: {
    readonly endpoint: string;
    readonly exclusions: readonly MotoExclusion[];
    readonly setAside?: readonly SchemaGap[];
  };
}

export interface LocalCopy {
  readonly json: TerraformJson;
  readonly changes: readonly LocalChange[];
  readonly secretVariables: readonly SecretVariable[];
}

/** Builds the local copy of `product` (which stays untouched). Throws an `input` error on what it cannot copy. */
export function localCopy(product: TerraformJson, options: LocalCopyOptions = {}): LocalCopy {
  const json = structuredClone(product);
  const changes: LocalChange[] = [];
  providerAndBackend(json, changes);
  setAside(json, options.schemaGaps ?? SCHEMA_GAPS, changes);
  const secretVariables = standIns(json, changes);
  if (options.moto) {
    const aws = json.provider?.aws?.[0];
    if (!aws) throw new TerraformError('input', 'the stack has no aws provider block to point at moto');
    Object.assign(aws, motoProviderSettings(options.moto.endpoint));
    changes.push({
      kind: 'moto-endpoints',
      subject: 'provider.aws',
      instead: `endpoints of ${Object.keys((aws.endpoints as Record<string, string>[])[0]).length} services at ${options.moto.endpoint}, dummy credentials`,
      reason: 'moto server stands in for AWS',
    });
    exclude(json, options.moto.exclusions, changes);
    setAside(json, options.moto.setAside ?? [], changes, 'moto-set-aside');
  }
  return { json, changes, secretVariables };
}

function providerAndBackend(json: TerraformJson, changes: LocalChange[]): void {
  const terraform = json.terraform;
  const aws = terraform?.required_providers?.aws;
  if (!terraform || !aws) throw new TerraformError('input', 'the stack requires no aws provider');
  changes.push({
    kind: 'provider',
    subject: `required_providers.aws ${aws.version ?? '(any)'}`,
    instead: `${LOCAL_PROVIDER_SOURCE} ${LOCAL_PROVIDER_VERSION}`,
    reason: "the provider in this machine's mirror; production applies the pinned version",
  });
  terraform.required_providers!.aws = { source: 'hashicorp/aws', version: LOCAL_PROVIDER_VERSION };
  if (terraform.backend) {
    changes.push({
      kind: 'backend',
      subject: `backend ${Object.keys(terraform.backend).join(', ')}`,
      instead: 'local state in the working copy',
      reason: 'the copy must never touch the real state',
    });
    delete terraform.backend;
  }
}

function setAside(
  json: TerraformJson,
  gaps: readonly SchemaGap[],
  changes: LocalChange[],
  kind: 'set-aside' | 'moto-set-aside' = 'set-aside',
): void {
  for (const gap of gaps) {
    const [first, ...rest] = gap.path.split('.');
    const isData = first === 'data';
    const type = isData ? rest.shift()! : first;
    const blocks = (isData ? json.data : json.resource)?.[type] ?? {};
    for (const [name, body] of Object.entries(blocks)) {
      if (removePath(body, rest))
        changes.push({
          kind,
          subject: `${isData ? 'data.' : ''}${type}.${name}: ${rest.join('.')}`,
          instead: '(removed)',
          reason: gap.reason,
        });
    }
  }
}

/** Deletes `path` inside a block (nested blocks given as an object or a list of objects); true when it was there. */
function removePath(body: unknown, path: readonly string[]): boolean {
  if (body === null || typeof body !== 'object') return false;
  if (Array.isArray(body)) return body.map((item) => removePath(item, path)).some(Boolean);
  const record = body as Record<string, unknown>;
  const [key, ...rest] = path;
  if (!(key in record)) return false;
  if (rest.length === 0) {
    delete record[key];
    return true;
  }
  return removePath(record[key], rest);
}

function standIns(json: TerraformJson, changes: LocalChange[]): SecretVariable[] {
  const resources = (json.resource ??= {});
  const data = (resources.terraform_data ??= {});
  const renames: [RegExp, string][] = [];
  const secretVariables: SecretVariable[] = [];

  for (const [name, body] of Object.entries(resources.null_resource ?? {})) {
    if (data[name])
      throw new TerraformError('input', `terraform_data.${name} exists: cannot stand in for null_resource.${name}`);
    const { triggers, ...rest } = body;
    data[name] = { ...rest, ...(triggers === undefined ? {} : { triggers_replace: triggers }) };
    renames.push(
      [reference('null_resource', name, 'triggers'), `terraform_data.${name}.triggers_replace`],
      [reference('null_resource', name, 'id'), `terraform_data.${name}.id`],
      [reference('null_resource', name), `terraform_data.${name}`],
    );
    changes.push({
      kind: 'stand-in',
      subject: `null_resource.${name}`,
      instead: `terraform_data.${name}`,
      reason: STAND_IN_REASON,
    });
  }

  for (const [name, body] of Object.entries(resources.random_password ?? {})) {
    if (data[name])
      throw new TerraformError('input', `terraform_data.${name} exists: cannot stand in for random_password.${name}`);
    const unsupported = Object.keys(body).filter(
      (k) => !['//', 'length', 'special', 'depends_on', 'lifecycle'].includes(k),
    );
    if (unsupported.length > 0)
      throw new TerraformError(
        'input',
        `random_password.${name} sets ${unsupported.join(', ')}: the stand-in honours only length and special`,
      );
    const variable = `stand_in_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    secretVariables.push({ name: variable, length: Number(body.length ?? 16), special: body.special !== false });
    data[name] = { ...pick(body, ['//', 'depends_on']), input: `\${var.${variable}}` };
    (json.variable ??= {})[variable] = {
      type: 'string',
      sensitive: true,
      description: `stands in for random_password.${name}: filled by the harness, never printed`,
    };
    renames.push(
      [reference('random_password', name, 'result'), `terraform_data.${name}.output`],
      [reference('random_password', name, 'id'), `terraform_data.${name}.id`],
      [reference('random_password', name), `terraform_data.${name}`],
    );
    changes.push({
      kind: 'stand-in',
      subject: `random_password.${name}`,
      instead: `terraform_data.${name} (input: sensitive var.${variable})`,
      reason: STAND_IN_REASON,
    });
  }

  delete resources.null_resource;
  delete resources.random_password;
  if (Object.keys(data).length === 0) delete resources.terraform_data;
  for (const provider of ['null', 'random']) {
    delete json.terraform?.required_providers?.[provider];
    delete json.provider?.[provider];
  }
  rewriteStrings(json, (text) => renames.reduce((acc, [pattern, to]) => acc.replace(pattern, to), text));
  // Anything still naming the stood-in types (another attribute of random_password, a null data source) has no stand-in.
  const left = JSON.stringify(withoutComments(json)).match(
    /(?<![\w.-])(?:null_resource|random_password)\.[\w-]+(?:\.\w+)?/,
  );
  if (left) throw new TerraformError('input', `no stand-in for the reference ${left[0]}`);
  return secretVariables;
}

/** Leaves out each excluded type's resources and, transitively, every resource, data source and output that refers to one. */
function exclude(json: TerraformJson, exclusions: readonly MotoExclusion[], changes: LocalChange[]): void {
  const removed: { address: string; pattern: RegExp }[] = [];
  const drop = (kind: 'resource' | 'data', type: string, name: string, reason: string) => {
    const blocks = json[kind] as Blocks;
    delete blocks[type][name];
    if (Object.keys(blocks[type]).length === 0) delete blocks[type];
    const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
    removed.push({ address, pattern: reference(kind === 'data' ? `data.${type}` : type, name, undefined, '', true) });
    changes.push({ kind: 'excluded', subject: address, instead: '(removed)', reason });
  };
  for (const exclusion of exclusions)
    for (const name of Object.keys(json.resource?.[exclusion.type] ?? {}))
      drop('resource', exclusion.type, name, exclusion.reason);

  // Dependents, until none is left: a removed block may itself be referred to.
  for (let changed = true; changed;) {
    changed = false;
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          const text = JSON.stringify(withoutComments(body));
          const cause = removed.find((r) => r.pattern.test(text));
          if (cause) {
            drop(kind, type, name, `refers to ${cause.address}, which moto cannot serve`);
            changed = true;
          }
        }
      }
    }
  }
  for (const [name, body] of Object.entries(json.output ?? {})) {
    const cause = removed.find((r) => r.pattern.test(JSON.stringify(body)));
    if (cause) {
      delete json.output![name];
      changes.push({
        kind: 'excluded',
        subject: `output.${name}`,
        instead: '(removed)',
        reason: `reads ${cause.address}`,
      });
    }
  }
}

/**
 * A reference to `<type>.<name>.<attribute>`, or to `<type>.<name>` alone (a depends_on entry: nothing follows) inside
 * an expression or a depends_on entry. `g` for replacing; without it for testing (a global pattern's test() keeps a
 * position between calls); `anyTail` also matches `<type>.<name>` followed by an attribute.
 */
function reference(type: string, name: string, attribute?: string, flags = 'g', anyTail = false): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tail = attribute ? `\\.${escape(attribute)}(?![\\w-])` : anyTail ? '(?![\\w-])' : '(?![\\w.-])';
  return new RegExp(`(?<![\\w.-])${escape(type)}\\.${escape(name)}${tail}`, flags);
}

/** Applies `rewrite` to every string value of the document (keys stay). */
function rewriteStrings(node: unknown, rewrite: (text: string) => string): unknown {
  if (typeof node === 'string') return rewrite(node);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = rewriteStrings(node[i], rewrite);
    return node;
  }
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) if (key !== '//') record[key] = rewriteStrings(record[key], rewrite);
  }
  return node;
}

/** The value without cdktf's `//` metadata (it names construct paths, not references). */
function withoutComments(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutComments);
  if (node && typeof node === 'object')
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>)
        .filter(([key]) => key !== '//')
        .map(([key, value]) => [key, withoutComments(value)]),
    );
  return node;
}

function pick(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in body).map((k) => [k, body[k]]));
}
