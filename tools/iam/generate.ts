/**
 * The deployer-policy generator: synthesized staging/production stacks in, IAM documents out.
 * Pure (no file system): `npm run iam:policy` (tools/iam/cli.ts) reads and writes files around it.
 *
 * Output, per the issue: the group policy `credex-core-permissions` (what both environments need, attached to
 * the group credex-core-deployment), one policy per environment (credex-core-<env>-permissions, for that
 * environment's user group and OIDC role) and the permissions boundary every role of the stacks carries.
 */
import { ACTION_MAP, BOUNDARY_REFERENCE_ARNS, KNOWN_COMMANDS, MANAGED_POLICY_BOUNDARY, ROLE_NAME_PATTERNS, SERVICE_LINKED_ROLE_NAMES, UNSCOPED_ACTIONS, WORKFLOW_GRANTS } from './action-map';
import { Condition, ConditionKind, DeployerPolicySet, GeneratedPolicy, Grant, PolicyDocument, PolicyStatement, TagOnCreate } from './types';

/** Terraform JSON as cdktf writes it (only what the generator reads). */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, unknown>;
}

export interface StackInput {
  /** Environment (stack) name: staging or production. */
  readonly name: string;
  readonly json: TerraformJson;
}

export interface GeneratorOptions {
  /** @default 'credex' */
  readonly project?: string;
  /** @default 'aws' (af-south-1 is a commercial region) */
  readonly partition?: string;
  /** Account in ARNs. @default '${aws:PrincipalAccount}' - an IAM policy variable: the deployer's own account */
  readonly account?: string;
  readonly stateBucket: string;
  /** The shared ECR repository the workflows push to. */
  readonly repository: string;
  /** Name of the permissions-boundary managed policy. */
  readonly boundaryName: string;
}

/** The one failure type: its message is the one line the CLI prints. */
export class IamPolicyError extends Error {}

export const MANAGED_POLICY_SIZE_LIMIT = 6144;
export const ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';
/** In the boundary, an environment is the tag of the role that is using it. */
export const PRINCIPAL_ENV_VARIABLE = '${aws:PrincipalTag/environment}';

/** Policy names and files, in the order they are written and deployed. */
export const POLICY_NAMES = {
  shared: 'credex-core-permissions',
  env: (env: string) => `credex-core-${env}-permissions`,
  file: (name: string) =>
    `${name.replace(/^credex-core-permissions(-\d+)?$/, 'credex-permissions$1').replace(/^credex-core-(\w+)-permissions(-\d+)?$/, 'credex-permissions-$1$2')}.json`,
};

interface Ctx {
  readonly env: string;
  readonly region: string;
  readonly o: Required<GeneratorOptions>;
}

// ---- templates ------------------------------------------------------------------------------------------------

function fill(template: string, ctx: Ctx, envValue = ctx.env): string {
  return template
    .replace(/\{partition\}/g, ctx.o.partition)
    .replace(/\{region\}/g, ctx.region)
    .replace(/\{account\}/g, ctx.o.account)
    .replace(/\{env\}/g, envValue)
    .replace(/\{project\}/g, ctx.o.project)
    .replace(/\{stateBucket\}/g, ctx.o.stateBucket)
    .replace(/\{repository\}/g, ctx.o.repository)
    .replace(/\{boundary\}/g, ctx.o.boundaryName);
}

function boundaryArn(ctx: Ctx): string {
  return `arn:${ctx.o.partition}:iam::${ctx.o.account}:policy/${ctx.o.boundaryName}`;
}

function expandCondition(kind: ConditionKind | Condition | undefined, ctx: Ctx): Condition | undefined {
  if (kind === undefined) return undefined;
  const p = ctx.o.project;
  const e = ctx.env;
  switch (kind) {
    case 'request-tag':
      // The new resource gets this environment's tags; a resource that already exists in the request (a create
      // call that also names existing ones, or a tagging call) must already be this environment's.
      return {
        StringEquals: { 'aws:RequestTag/project': p, 'aws:RequestTag/environment': e },
        StringEqualsIfExists: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e },
      };
    case 'resource-tag':
      return { StringEquals: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e } };
    case 'boundary':
      return { StringEquals: { 'iam:PermissionsBoundary': boundaryArn(ctx) } };
    case 'boundary-and-request-tag':
      return { StringEquals: { 'iam:PermissionsBoundary': boundaryArn(ctx), 'aws:RequestTag/project': p, 'aws:RequestTag/environment': e } };
    case 'retag':
      return {
        StringEquals: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e },
        StringEqualsIfExists: { 'aws:RequestTag/project': p, 'aws:RequestTag/environment': e },
      };
    case 'role-tag':
      return {
        StringEqualsIfExists: {
          'aws:RequestTag/project': p,
          'aws:RequestTag/environment': e,
          'aws:ResourceTag/project': p,
          'aws:ResourceTag/environment': e,
        },
      };
    case 'untag':
      return {
        StringEquals: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e },
        'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['project', 'environment'] },
      };
    default: {
      const out: Condition = {};
      for (const [op, keys] of Object.entries(kind)) {
        out[op] = {};
        for (const [k, v] of Object.entries(keys)) out[op][k] = Array.isArray(v) ? v.map((x) => fill(x, ctx)) : fill(v, ctx);
      }
      return out;
    }
  }
}

// ---- reading the stacks ---------------------------------------------------------------------------------------

interface Block {
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

function blocks(json: TerraformJson): Block[] {
  const out: Block[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) out.push({ address: `${type}.${name}`, type, body });
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const [name, body] of Object.entries(byName)) out.push({ address: `data.${type}.${name}`, type: `data.${type}`, body });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

const isRef = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\?/g, '.').replace(/\*/g, '.*') + '$');
}

function checkProviderTags(stack: StackInput, ctx: Ctx): void {
  const aws = stack.json.provider?.aws;
  const first = Array.isArray(aws) ? (aws[0] as Record<string, unknown>) : undefined;
  const defaultTags = first?.default_tags as { tags?: Record<string, string> }[] | undefined;
  const tags = defaultTags?.[0]?.tags ?? {};
  if (tags.project !== ctx.o.project || tags.environment !== ctx.env) {
    throw new IamPolicyError(
      `iam:policy: stack ${stack.name}: the aws provider's default_tags must set project=${ctx.o.project} and environment=${ctx.env} ` +
        `(tag-scoped permissions depend on them); found ${JSON.stringify(tags)}`,
    );
  }
}

function stackRegion(stack: StackInput): string {
  const aws = stack.json.provider?.aws;
  const region = Array.isArray(aws) ? (aws[0] as Record<string, unknown>)?.region : undefined;
  if (typeof region !== 'string' || isRef(region)) throw new IamPolicyError(`iam:policy: stack ${stack.name}: the aws provider has no literal region`);
  return region;
}

function checkNames(block: Block, ctx: Ctx): void {
  const rule = ACTION_MAP[block.type]?.names;
  if (!rule) return;
  for (const attribute of rule.attributes) {
    const value = block.body[attribute];
    if (typeof value !== 'string' || isRef(value)) continue;
    const isPrefix = attribute.endsWith('_prefix');
    const patterns = rule.patterns.map((p) => fill(p, ctx));
    const ok = patterns.some((p) => globToRegExp(p).test(isPrefix ? `${value}x` : value)) || (rule.exact?.test(value) ?? false);
    if (!ok) {
      throw new IamPolicyError(
        `iam:policy: ${block.address} (stack ${ctx.env}): ${attribute} "${value}" is outside the deployer's scope for ${block.type} ` +
          `(${patterns.join(', ')}); rename it or extend the pattern in tools/iam/action-map.ts`,
      );
    }
  }
}

/** Names of this type that stand outside its patterns but are allowed exactly (the seed's secret names). */
function exactNames(block: Block): string[] {
  const rule = ACTION_MAP[block.type]?.names;
  if (!rule?.exact) return [];
  return rule.attributes
    .map((a) => block.body[a])
    .filter((v): v is string => typeof v === 'string' && !isRef(v) && rule.exact!.test(v));
}

/** `${aws_iam_role.x.arn}` / `${aws_iam_role.x.name}` -> the literal role name in the stack. */
function roleNameOf(ref: unknown, roles: Map<string, string>, where: string): string {
  const m = typeof ref === 'string' ? /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(arn|name|id)\}$/.exec(ref) : null;
  const name = m ? roles.get(m[1]) : undefined;
  if (!name) throw new IamPolicyError(`iam:policy: ${where} passes a role that is not a literal-named aws_iam_role of the stack (${String(ref)})`);
  return name;
}

/** `${aws_iam_instance_profile.x.name}` -> the role reference of that profile. */
function profileRole(ref: unknown, profiles: Map<string, unknown>, where: string): unknown {
  const m = typeof ref === 'string' ? /\$\{aws_iam_instance_profile\.([A-Za-z0-9_-]+)\.(name|arn|id)\}/.exec(ref) : null;
  if (!m || !profiles.has(m[1])) throw new IamPolicyError(`iam:policy: ${where} uses an instance profile that is not in the stack (${String(ref)})`);
  return profiles.get(m[1]);
}

interface StackNeeds {
  readonly types: string[];
  readonly grants: Grant[];
  /** service principal -> role names passed to it */
  readonly passRoles: Map<string, Set<string>>;
  readonly managedPolicies: Set<string>;
  readonly serviceLinkedRoles: Set<string>;
  readonly tagOnCreate: TagOnCreate[];
  readonly exactSecretNames: string[];
  /** statements of the role policies (for the boundary) */
  readonly roleStatements: { statement: Record<string, unknown>; where: string }[];
}

function readStack(stack: StackInput, ctx: Ctx): StackNeeds {
  checkProviderTags(stack, ctx);
  const all = blocks(stack.json);
  const needs: StackNeeds = {
    types: [...new Set(all.map((b) => b.type))].sort(),
    grants: [],
    passRoles: new Map(),
    managedPolicies: new Set(),
    serviceLinkedRoles: new Set(),
    tagOnCreate: [],
    exactSecretNames: [],
    roleStatements: [],
  };
  // Fail first on unknown types, naming every one of them.
  const unknown = needs.types.filter((t) => !ACTION_MAP[t]);
  if (unknown.length > 0) {
    const example = all.find((b) => b.type === unknown[0])!.address;
    throw new IamPolicyError(
      `iam:policy: no action map for ${unknown.length === 1 ? 'type' : 'types'} ${unknown.join(', ')} (stack ${stack.name}, e.g. ${example}); ` +
        `add ${unknown.length === 1 ? 'it' : 'them'} to tools/iam/action-map.ts`,
    );
  }
  const roles = new Map<string, string>();
  const profiles = new Map<string, unknown>();
  const docs = new Map<string, Block>();
  for (const b of all) {
    if (b.type === 'aws_iam_role' && typeof b.body.name === 'string') roles.set(b.address.slice('aws_iam_role.'.length), b.body.name);
    if (b.type === 'aws_iam_instance_profile') profiles.set(b.address.slice('aws_iam_instance_profile.'.length), b.body.role);
    if (b.type === 'data.aws_iam_policy_document') docs.set(b.address, b);
  }
  // Which services each role trusts (its assume_role_policy document), so a role is only ever passed to a
  // service that can assume it: a wiring mistake fails here instead of widening iam:PassRole.
  const trusted = new Map<string, Set<string>>();
  for (const b of all) {
    if (b.type !== 'aws_iam_role' || typeof b.body.name !== 'string') continue;
    const m = typeof b.body.assume_role_policy === 'string' ? /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(json|minified_json)\}$/.exec(b.body.assume_role_policy) : null;
    const doc = m ? docs.get(m[1]) : undefined;
    const services = new Set<string>();
    const statements = doc?.body.statement;
    for (const st of (Array.isArray(statements) ? statements : [statements]) as Record<string, unknown>[]) {
      for (const p of ((st?.principals ?? []) as { type?: string; identifiers?: string[] }[])) {
        if (p.type === 'Service') (p.identifiers ?? []).forEach((i) => services.add(i));
      }
    }
    trusted.set(b.body.name, services);
  }
  const pass = (service: string, roleName: string) => {
    if (!trusted.get(roleName)?.has(service)) {
      throw new IamPolicyError(`iam:policy: stack ${stack.name} passes role ${roleName} to ${service}, but the role's trust policy does not name that service`);
    }
    if (!needs.passRoles.has(service)) needs.passRoles.set(service, new Set());
    needs.passRoles.get(service)!.add(roleName);
  };

  for (const b of all) {
    const entry = ACTION_MAP[b.type]!;
    checkNames(b, ctx);
    needs.grants.push(...entry.grants);
    needs.tagOnCreate.push(...(entry.tagOnCreate ?? []));
    for (const s of entry.serviceLinkedRoles ?? []) needs.serviceLinkedRoles.add(s);
    if (b.type === 'aws_secretsmanager_secret') needs.exactSecretNames.push(...exactNames(b));

    switch (b.type) {
      case 'aws_ecs_task_definition':
        for (const attr of ['execution_role_arn', 'task_role_arn']) {
          if (b.body[attr] !== undefined) pass('ecs-tasks.amazonaws.com', roleNameOf(b.body[attr], roles, `${b.address}.${attr}`));
        }
        break;
      case 'aws_flow_log':
        if (b.body.iam_role_arn !== undefined) pass('vpc-flow-logs.amazonaws.com', roleNameOf(b.body.iam_role_arn, roles, `${b.address}.iam_role_arn`));
        break;
      case 'aws_dlm_lifecycle_policy':
        pass('dlm.amazonaws.com', roleNameOf(b.body.execution_role_arn, roles, `${b.address}.execution_role_arn`));
        break;
      case 'aws_iam_instance_profile':
        pass('ec2.amazonaws.com', roleNameOf(b.body.role, roles, `${b.address}.role`));
        break;
      case 'aws_instance':
        if (b.body.iam_instance_profile !== undefined) {
          pass('ec2.amazonaws.com', roleNameOf(profileRole(b.body.iam_instance_profile, profiles, b.address), roles, `${b.address}.iam_instance_profile`));
        }
        break;
      case 'aws_iam_role_policy_attachment': {
        const arn = b.body.policy_arn;
        if (typeof arn !== 'string' || isRef(arn) || !MANAGED_POLICY_BOUNDARY[arn]) {
          throw new IamPolicyError(
            `iam:policy: ${b.address} attaches ${String(arn)}, which is not a known AWS-managed policy; ` +
              `add it to MANAGED_POLICY_BOUNDARY in tools/iam/action-map.ts (or use an inline policy)`,
          );
        }
        needs.managedPolicies.add(arn);
        break;
      }
      case 'aws_iam_role_policy': {
        const policy = b.body.policy;
        const m = typeof policy === 'string' ? /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(json|minified_json)\}$/.exec(policy) : null;
        const doc = m ? docs.get(m[1]) : undefined;
        if (!doc) throw new IamPolicyError(`iam:policy: ${b.address}: its policy must be a data.aws_iam_policy_document of the stack, so the boundary can be derived`);
        const statements = doc.body.statement;
        for (const s of Array.isArray(statements) ? statements : [statements]) {
          needs.roleStatements.push({ statement: s as Record<string, unknown>, where: `${b.address} (${doc.address})` });
        }
        break;
      }
      case 'null_resource': {
        const provisioners = (b.body.provisioner ?? []) as Record<string, { command?: string }>[];
        for (const p of provisioners) {
          for (const [kind, prov] of Object.entries(p)) {
            const command = prov.command ?? '';
            const known = KNOWN_COMMANDS.find((k) => k.pattern.test(command));
            if (kind !== 'local-exec' || !known) {
              throw new IamPolicyError(
                `iam:policy: ${b.address} runs a ${kind} command the generator has no action map for ("${command.slice(0, 60)}"); add it to KNOWN_COMMANDS in tools/iam/action-map.ts`,
              );
            }
            needs.grants.push(...known.grants);
            const profile = /--instance-profile\s+(\S+)/.exec(command)?.[1];
            if (profile) pass('ec2.amazonaws.com', roleNameOf(profileRole(profile, profiles, b.address), roles, `${b.address} --instance-profile`));
          }
        }
        break;
      }
      default:
        break;
    }
  }
  needs.grants.push(...WORKFLOW_GRANTS);
  return needs;
}

// ---- from grants to statements --------------------------------------------------------------------------------

interface Draft {
  sid: string;
  actions: Set<string>;
  resources: string[];
  condition?: Condition;
}

function checkUnscoped(actions: readonly string[], where: string): void {
  for (const action of actions) {
    const a = action.toLowerCase();
    const ok = Object.keys(UNSCOPED_ACTIONS).some((p) => globToRegExp(p).test(a) && !a.slice(a.indexOf(':') + 1).includes(':'));
    if (!ok) throw new IamPolicyError(`iam:policy: ${where} grants ${action} on "*", but it is not in UNSCOPED_ACTIONS (tools/iam/action-map.ts); scope it by ARN or tag`);
  }
}

/**
 * Whether a grant belongs to an environment's policy (its ARNs or its condition name the environment; every named
 * condition kind does, except `boundary`, whose role ARNs do) or to the shared one.
 */
const usesEnv = (g: Grant): boolean =>
  g.resources.some((r) => r.includes('{env}')) ||
  (typeof g.condition === 'string' && g.condition !== 'boundary') ||
  (typeof g.condition === 'object' && JSON.stringify(g.condition).includes('{env}'));

function draftKey(d: { sid: string; resources: string[]; condition?: Condition }): string {
  return JSON.stringify([d.sid, d.resources, d.condition ?? null]);
}

function addDraft(drafts: Map<string, Draft>, sid: string, actions: Iterable<string>, resources: string[], condition?: Condition): void {
  const res = [...new Set(resources)].sort();
  const key = draftKey({ sid, resources: res, condition });
  const existing = drafts.get(key);
  if (existing) for (const a of actions) existing.actions.add(a);
  else drafts.set(key, { sid, actions: new Set(actions), resources: res, condition });
}

function sortCondition(c: Condition | undefined): Condition | undefined {
  if (!c) return undefined;
  const out: Condition = {};
  for (const op of Object.keys(c).sort()) {
    out[op] = {};
    for (const k of Object.keys(c[op]).sort()) {
      const v = c[op][k];
      out[op][k] = Array.isArray(v) ? [...v].sort() : v;
    }
  }
  return out;
}

/**
 * Size-saving merges that grant nothing more:
 *  - every unconditioned `*` grant becomes one Read statement (same resource, every action already vetted);
 *  - every grant under the same resource-tag condition becomes one statement: each resource it names must carry
 *    this environment's tags whatever the action, so uniting actions and resources cannot reach another one.
 * Request-tag grants are NOT merged: a create statement must not cover the parent resources of another create.
 */
function coalesce(drafts: Map<string, Draft>, ctx: Ctx | undefined): Map<string, Draft> {
  const resourceTag = ctx ? JSON.stringify(expandCondition('resource-tag', ctx)) : undefined;
  const out = new Map<string, Draft>();
  for (const d of drafts.values()) {
    let sid = d.sid;
    let resources = d.resources;
    if (!d.condition && d.resources.length === 1 && d.resources[0] === '*') sid = 'Read';
    else if (resourceTag && JSON.stringify(d.condition) === resourceTag) {
      sid = 'ChangeTagged';
      resources = d.resources;
    }
    const key = JSON.stringify([sid, d.condition ?? null]);
    const merged = sid === 'Read' || sid === 'ChangeTagged';
    const k = merged ? key : draftKey(d);
    const e = out.get(k);
    if (e) {
      d.actions.forEach((a) => e.actions.add(a));
      e.resources = [...new Set([...e.resources, ...resources])].sort();
    } else out.set(k, { sid, actions: new Set(d.actions), resources: [...resources], condition: d.condition });
  }
  return out;
}

/** Merges drafts to statements: same sid+condition with one set of resources; actions sorted; Sids unique. */
function finish(drafts: Map<string, Draft>, ctx?: Ctx): PolicyStatement[] {
  drafts = coalesce(drafts, ctx);
  // Merge drafts that share sid and condition and have the same action set (resources then unite).
  const byActions = new Map<string, Draft>();
  for (const d of drafts.values()) {
    const actions = [...d.actions].sort();
    const key = JSON.stringify([d.sid, actions, d.condition ?? null]);
    const e = byActions.get(key);
    if (e) e.resources = [...new Set([...e.resources, ...d.resources])].sort();
    else byActions.set(key, { ...d, actions: new Set(actions) });
  }
  const list = [...byActions.values()].sort((a, b) => (a.sid === b.sid ? draftKey(a).localeCompare(draftKey(b)) : a.sid < b.sid ? -1 : 1));
  const seen = new Map<string, number>();
  return list.map((d) => {
    const n = (seen.get(d.sid) ?? 0) + 1;
    seen.set(d.sid, n);
    const st: PolicyStatement = { Sid: n === 1 ? d.sid : `${d.sid}${n}`, Effect: 'Allow', Action: [...d.actions].sort(), Resource: d.resources };
    const c = sortCondition(d.condition);
    if (c) st.Condition = c;
    return st;
  });
}

function envDrafts(needs: StackNeeds, ctx: Ctx, shared: Map<string, Draft>): Map<string, Draft> {
  const drafts = new Map<string, Draft>();
  for (const g of needs.grants) {
    if (g.resources.length === 1 && g.resources[0] === '*') checkUnscoped(g.actions, `the ${g.sid} grant`);
    if (g.resources.length === 0) throw new IamPolicyError(`iam:policy: the ${g.sid} grant has no resources`);
    const target = usesEnv(g) ? drafts : shared;
    addDraft(target, g.sid, g.actions, g.resources.map((r) => fill(r, ctx)), expandCondition(g.condition, ctx));
  }
  // Exact secret names (the seed's neo4j_<stage|prod>_secrets): the same actions as the patterned secrets.
  const secretActions = new Set<string>();
  for (const g of needs.grants) if (g.sid === 'Secret') g.actions.forEach((a) => secretActions.add(a));
  for (const name of needs.exactSecretNames) {
    addDraft(drafts, 'SecretSeedName', secretActions, [fill(`arn:{partition}:secretsmanager:{region}:{account}:secret:${name}-??????`, ctx)]);
  }
  // Tag-on-create, one statement per service: only in the call that creates the resource, only with this environment's tags.
  for (const service of ['ec2', 'elasticloadbalancing'] as const) {
    const items = needs.tagOnCreate.filter((t) => t.service === service);
    if (items.length === 0) continue;
    const action = service === 'ec2' ? 'ec2:CreateTags' : 'elasticloadbalancing:AddTags';
    const cond = expandCondition('request-tag', ctx)!;
    cond.StringEquals[`${service}:CreateAction`] = [...new Set(items.map((t) => t.createAction))].sort();
    addDraft(drafts, 'TagOnCreate', [action], items.flatMap((t) => t.resources.map((r) => fill(r, ctx))), cond);
  }
  // Tags on existing EC2 resources of this environment (never re-tagging them into another environment).
  const ec2Types = [...new Set(needs.tagOnCreate.filter((t) => t.service === 'ec2').flatMap((t) => t.resources.map((r) => fill(r, ctx))))];
  if (ec2Types.length > 0) {
    addDraft(drafts, 'Ec2Retag', ['ec2:CreateTags'], ec2Types, expandCondition('retag', ctx));
    addDraft(drafts, 'Ec2Untag', ['ec2:DeleteTags'], ec2Types, expandCondition('untag', ctx));
  }
  // iam:PassRole: only the roles the stack passes, only to the service it passes them to.
  for (const [service, names] of [...needs.passRoles.entries()].sort()) {
    const sid = `PassRoleTo${service.split('.')[0].replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
    addDraft(
      drafts,
      sid,
      ['iam:PassRole'],
      [...names].map((n) => fill(`arn:{partition}:iam::{account}:role/${n}`, ctx)),
      { StringEquals: { 'iam:PassedToService': service } },
    );
  }
  // AWS-managed policies on roles: only those the stacks use (iam:PolicyARN), still only with the boundary.
  if (needs.managedPolicies.size > 0) {
    for (const d of drafts.values()) {
      if (d.sid === 'RoleAttach' && d.condition) {
        d.condition = { ...d.condition, ArnEquals: { 'iam:PolicyARN': [...needs.managedPolicies].map((a) => a.replace(/^arn:aws:/, `arn:${ctx.o.partition}:`)).sort() } };
      }
    }
    // re-key after changing the condition
    const rekeyed = new Map<string, Draft>();
    for (const d of drafts.values()) rekeyed.set(draftKey(d), d);
    drafts.clear();
    for (const [k, v] of rekeyed) drafts.set(k, v);
  }
  // Service-linked roles the first create needs.
  for (const service of [...needs.serviceLinkedRoles].sort()) {
    const roleName = SERVICE_LINKED_ROLE_NAMES[service];
    if (!roleName) throw new IamPolicyError(`iam:policy: no service-linked role name for ${service} in SERVICE_LINKED_ROLE_NAMES`);
    addDraft(shared, 'ServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], [fill(`arn:{partition}:iam::{account}:role/aws-service-role/${service}/${roleName}`, ctx)], {
      StringEquals: { 'iam:AWSServiceName': [...needs.serviceLinkedRoles].sort() },
    });
  }
  return drafts;
}

// ---- the boundary ---------------------------------------------------------------------------------------------

function boundaryDocument(allNeeds: { needs: StackNeeds; ctx: Ctx }[]): PolicyStatement[] {
  const drafts = new Map<string, Draft>();
  for (const { needs, ctx } of allNeeds) {
    const bctx: Ctx = { ...ctx };
    for (const { statement, where } of needs.roleStatements) {
      if ((statement.effect ?? 'Allow') !== 'Allow') continue;
      const actions = (statement.actions as string[] | undefined) ?? [];
      if (actions.some((a) => isRef(a) || a.endsWith(':*') || a === '*')) throw new IamPolicyError(`iam:policy: ${where}: role policy actions must be literal and not wildcards`);
      const resources: string[] = [];
      for (const r of (statement.resources as string[] | undefined) ?? []) {
        if (r === '*') {
          checkUnscopedForBoundary(actions, where);
          resources.push('*');
          continue;
        }
        const m = /^\$\{((?:data\.)?[a-z0-9_]+)\.[A-Za-z0-9_-]+\.arn\}(.*)$/.exec(r);
        if (m) {
          const arns = BOUNDARY_REFERENCE_ARNS[m[1]];
          if (!arns) throw new IamPolicyError(`iam:policy: ${where}: the boundary has no scope for references to ${m[1]}; add it to BOUNDARY_REFERENCE_ARNS`);
          resources.push(...arns.map((a) => fill(a, bctx, PRINCIPAL_ENV_VARIABLE)));
          continue;
        }
        if (isRef(r)) throw new IamPolicyError(`iam:policy: ${where}: cannot scope the boundary for resource ${r}`);
        resources.push(r);
      }
      const conds = (statement.condition as { test: string; variable: string; values: string[] }[] | undefined) ?? [];
      let condition: Condition | undefined;
      for (const c of conds) {
        condition ??= {};
        condition[c.test] ??= {};
        condition[c.test][c.variable] = [...c.values];
      }
      addDraft(drafts, 'WorkloadRoles', actions, resources, condition);
    }
    // Seed secret names are readable only by roles of their own environment.
    for (const name of needs.exactSecretNames) {
      addDraft(drafts, 'WorkloadSeedSecret', ['secretsmanager:GetSecretValue'], [fill(`arn:{partition}:secretsmanager:{region}:{account}:secret:${name}-??????`, ctx)], {
        StringEquals: { 'aws:PrincipalTag/environment': ctx.env },
      });
    }
    for (const arn of [...needs.managedPolicies].sort()) {
      for (const g of MANAGED_POLICY_BOUNDARY[arn]) {
        if (g.resources.length === 1 && g.resources[0] === '*') checkUnscopedForBoundary(g.actions, `the boundary's ${g.sid} grant`);
        const pctx: Ctx = { ...ctx, env: PRINCIPAL_ENV_VARIABLE };
        addDraft(drafts, g.sid, g.actions, g.resources.map((r) => fill(r, pctx)), expandCondition(g.condition, pctx));
      }
    }
  }
  // Merge the workload drafts by their resources, so each resource set appears once.
  return finish(drafts);
}

function checkUnscopedForBoundary(actions: readonly string[], where: string): void {
  const extra = ['ssmmessages:*'];
  const rest = actions.filter((a) => !extra.some((p) => globToRegExp(p).test(a.toLowerCase())));
  checkUnscoped(rest, where);
}

// ---- documents ------------------------------------------------------------------------------------------------

export function documentSize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

/**
 * Size as IAM counts it once deployed: minified, with the account variable replaced by a 12-digit account id
 * (the `global` stack substitutes the real one).
 */
export function deployedSize(doc: PolicyDocument): number {
  return documentSize(doc).valueOf() - (JSON.stringify(doc).split(ACCOUNT_VARIABLE).length - 1) * (ACCOUNT_VARIABLE.length - 12);
}

function policy(name: string, audience: GeneratedPolicy['audience'], description: string, statements: PolicyStatement[]): GeneratedPolicy {
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const size = deployedSize(document);
  if (size > MANAGED_POLICY_SIZE_LIMIT) {
    throw new IamPolicyError(`iam:policy: ${name} would be ${size} characters, over IAM's ${MANAGED_POLICY_SIZE_LIMIT}-character managed-policy limit`);
  }
  const actionCount = new Set(statements.flatMap((s) => s.Action)).size;
  return { name, audience, description, file: POLICY_NAMES.file(name), document, size, actionCount };
}

/** IAM allows 10 managed policies per group or role by default: one shared + at most this many per environment. */
export const MAX_PARTS = 8;

/**
 * Splits statements into as few managed policies as fit the size limit (first fit, in statement order, so the
 * split is deterministic): <name>, <name>-2, <name>-3 ...
 */
function policies(name: string, audience: GeneratedPolicy['audience'], description: string, statements: PolicyStatement[]): GeneratedPolicy[] {
  const parts: PolicyStatement[][] = [];
  for (const st of statements) {
    const fits = parts.find((p) => deployedSize({ Version: '2012-10-17', Statement: [...p, st] }) <= MANAGED_POLICY_SIZE_LIMIT);
    if (fits) fits.push(st);
    else parts.push([st]);
  }
  if (parts.length > MAX_PARTS) throw new IamPolicyError(`iam:policy: ${name} needs ${parts.length} managed policies, more than ${MAX_PARTS}`);
  return parts.map((p, i) =>
    policy(i === 0 ? name : `${name}-${i + 1}`, audience, parts.length === 1 ? description : `${description} (part ${i + 1} of ${parts.length})`, p),
  );
}

/** Generates the whole set. Throws IamPolicyError (one line) on anything it cannot map. */
export function generateDeployerPolicies(stacks: readonly StackInput[], options: GeneratorOptions): DeployerPolicySet {
  const o: Required<GeneratorOptions> = { project: 'credex', partition: 'aws', account: ACCOUNT_VARIABLE, ...options };
  if (stacks.length === 0) throw new IamPolicyError('iam:policy: no environment stacks to read');
  const shared = new Map<string, Draft>();
  const perEnv: { env: string; statements: PolicyStatement[] }[] = [];
  const all: { needs: StackNeeds; ctx: Ctx }[] = [];
  const types: Record<string, string[]> = {};
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const ctx: Ctx = { env: stack.name, region: stackRegion(stack), o };
    const needs = readStack(stack, ctx);
    types[stack.name] = needs.types;
    all.push({ needs, ctx });
    perEnv.push({ env: stack.name, statements: finish(envDrafts(needs, ctx, shared), ctx) });
  }
  const envNames = perEnv.map((p) => p.env);
  const generated: GeneratedPolicy[] = [
    ...policies(POLICY_NAMES.shared, 'shared', `credex deployers, all environments: reads AWS cannot scope, ECR push, service-linked roles (generated by npm run iam:policy)`, finish(shared)),
    ...perEnv.flatMap((p) =>
      policies(POLICY_NAMES.env(p.env), p.env as GeneratedPolicy['audience'], `credex deployers of ${p.env} only: its resources by name or tag, its state, its roles (generated by npm run iam:policy)`, p.statements),
    ),
    ...policies(o.boundaryName, 'boundary', `Permissions boundary of every role the credex stacks create (generated by npm run iam:policy)`, boundaryDocument(all)),
  ];
  return { generator: "npm run iam:policy (tools/iam/cli.ts)", partition: o.partition, environments: envNames, types, policies: generated };
}

/** The role-name globs of an environment (for tests and docs). */
export function roleNamePatterns(env: string): string[] {
  return ROLE_NAME_PATTERNS.map((p) => p.replace(/\{env\}/g, env));
}
