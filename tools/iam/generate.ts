/**
 * The deployer-policy generator: synthesized staging/production stacks in, IAM documents out.
 * Pure (no file system): `npm run iam:policy` (tools/iam/cli.ts) reads and writes files around it (files.ts).
 *
 * It interprets the action map (tools/iam/actions/, one file per AWS service): every block of a stack adds its
 * type's grants and whatever its entry declares — the roles it passes and to which service, the managed or inline
 * policies the boundary must allow, the commands it runs, its names' patterns. No resource type is special here,
 * except that references to roles are resolved through the stack's aws_iam_role, aws_iam_instance_profile and
 * data.aws_iam_policy_document blocks (StackIndex).
 *
 * Output, per the issue: the group policy `credex-core-permissions` (what both environments need, attached to
 * the group credex-core-deployment), one policy per environment (credex-core-<env>-permissions, for that
 * environment's user group and OIDC role) and the permissions boundary every role of the stacks carries.
 */
import { ACCOUNT_VARIABLE } from '../../contracts/deployer-policies';
import { InputError } from '../../lib/errors';
import { matchesAnyGlob } from '../../lib/glob';
import { stackBlocks, type TerraformJson } from '../../lib/synth-output';
import { deployerPolicyName } from '../../contracts/naming';
import { REQUEST_TAG_SCOPED_WRITES } from '../../contracts/unscopable-actions';
import { unscopableMatcher } from './unscopable';
import { ACTION_MAP, ACTIONS_DIR, actionFile, ROLE_NAME_PATTERNS, WORKFLOW_GRANTS } from './actions';
import { Ctx, expandCondition, fill } from './conditions';
import { addDraft, Draft, draftKey, finish } from './statements';
import {
  Condition,
  ConditionKind,
  DeployerPolicySet,
  ExactNames,
  GeneratedPolicy,
  Grant,
  NameRule,
  PolicyDocument,
  PolicyStatement,
  RoleReference,
  TagOnCreate,
} from './types';

export { ACCOUNT_VARIABLE };

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
  /**
   * The "allowed on *" set (lower-case actions and globs), as the policy gate has it: contracts/unscopable-actions.ts's
   * committedUnscopableActions(). A grant on "*" of any other action fails the generator.
   */
  readonly unscopableActions: readonly string[];
}

/** The one failure type: its message is the one line the CLI prints. */
export class IamPolicyError extends InputError {} // kind 'input', exit 2 (lib/errors.ts)

export const MANAGED_POLICY_SIZE_LIMIT = 6144;
/**
 * Characters each generated part keeps free under IAM's limit: parts are filled to at most LIMIT - HEADROOM, so a
 * change of the stacks that adds a few actions, or a few characters of a rendering the estimate does not foresee,
 * still fits the policy it lands in (a part filled to 6,140 of 6,144 breaks the global apply at the next action).
 */
export const MANAGED_POLICY_HEADROOM = 512;
/** The size a part is filled to. */
export const MANAGED_POLICY_SPLIT_TARGET = MANAGED_POLICY_SIZE_LIMIT - MANAGED_POLICY_HEADROOM;
/** In the boundary, an environment is the tag of the role that is using it. */
export const PRINCIPAL_ENV_VARIABLE = '${aws:PrincipalTag/environment}';

/** Policy names and files, in the order they are written and deployed. */
export const POLICY_NAMES = {
  shared: deployerPolicyName(),
  env: (env: string) => deployerPolicyName(env),
  file: (name: string) =>
    `${name.replace(/^credex-core-permissions(-\d+)?$/, 'credex-permissions$1').replace(/^credex-core-(\w+)-permissions(-\d+)?$/, 'credex-permissions-$1$2')}.json`,
};

/** Refuses an action on "*" that the "allowed on *" list does not hold (`where` names the grant). */
type StarCheck = (actions: readonly string[], where: string, condition?: ConditionKind | Condition) => void;

function starCheck(unscopableActions: readonly string[]): StarCheck {
  const allowed = unscopableMatcher(unscopableActions);
  return (actions, where, condition) => {
    for (const action of actions) {
      if (allowed(action)) continue;
      if (condition === 'request-tag' && REQUEST_TAG_SCOPED_WRITES[action.toLowerCase()]) continue;
      throw new IamPolicyError(
        `iam:policy: ${where} grants ${action} on "*", but it is not in the "allowed on *" list (contracts/unscopable-actions.ts); scope it by ARN or tag`,
      );
    }
  };
}

const isStar = (resources: readonly string[]): boolean => resources.length === 1 && resources[0] === '*';

// ---- reading the stacks ---------------------------------------------------------------------------------------

interface Block {
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

function blocks(json: TerraformJson): Block[] {
  const out = [...stackBlocks(json)].map(({ address, mode, type, body }) => ({
    address,
    type: mode === 'data' ? `data.${type}` : type,
    body: body as Record<string, unknown>,
  }));
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

const isRef = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

/** The placeholder of a grant scoped to the hosted zone of the block that needs it (its literal zone_id). */
const HOSTED_ZONE = '{hostedZone}';

/** A grant on {hostedZone} narrowed to the block's own zone: a record's zone must be a literal id, not a reference. */
function withHostedZone(g: Grant, b: Block, stackName: string): Grant {
  if (!g.resources.some((r) => r.includes(HOSTED_ZONE))) return g;
  const zone = (b.body as Record<string, unknown>).zone_id;
  if (typeof zone !== 'string' || isRef(zone) || !/^[A-Z0-9]+$/.test(zone))
    throw new IamPolicyError(
      `iam:policy: stack ${stackName}: ${b.address} needs a literal hosted zone id in zone_id to scope its route53 grants`,
    );
  return { ...g, resources: g.resources.map((r) => r.split(HOSTED_ZONE).join(zone)) };
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
  if (typeof region !== 'string' || isRef(region))
    throw new IamPolicyError(`iam:policy: stack ${stack.name}: the aws provider has no literal region`);
  return region;
}

function checkNames(block: Block, rule: NameRule | undefined, ctx: Ctx): void {
  if (!rule) return;
  for (const attribute of rule.attributes) {
    const value = block.body[attribute];
    if (typeof value !== 'string' || isRef(value)) continue;
    const isPrefix = attribute.endsWith('_prefix');
    const patterns = rule.patterns.map((p) => fill(p, ctx));
    const ok = matchesAnyGlob(isPrefix ? `${value}x` : value, patterns) || (rule.exact?.pattern.test(value) ?? false);
    if (!ok) {
      throw new IamPolicyError(
        `iam:policy: ${block.address} (stack ${ctx.env}): ${attribute} "${value}" is outside the deployer's scope for ${block.type} ` +
          `(${patterns.join(', ')}); rename it (contracts/naming.ts) or extend the pattern in ${actionFile(block.type)}`,
      );
    }
  }
}

/** Names of this block that stand outside its type's patterns but are allowed exactly (the seed's secret names). */
function exactNames(block: Block, rule: NameRule | undefined): string[] {
  const exact = rule?.exact;
  if (!rule || !exact) return [];
  return rule.attributes
    .map((a) => block.body[a])
    .filter((v): v is string => typeof v === 'string' && !isRef(v) && exact.pattern.test(v));
}

/** What resolves references between the stack's blocks: its roles, instance profiles and policy documents. */
class StackIndex {
  /** aws_iam_role local name -> literal role name */
  private readonly roles = new Map<string, string>();
  /** aws_iam_instance_profile local name -> its role reference */
  private readonly profiles = new Map<string, unknown>();
  /** data.aws_iam_policy_document address -> block */
  private readonly docs = new Map<string, Block>();
  /** role name -> the services its trust policy (assume_role_policy) names */
  readonly trusted = new Map<string, Set<string>>();

  constructor(all: readonly Block[]) {
    for (const b of all) {
      if (b.type === 'aws_iam_role' && typeof b.body.name === 'string')
        this.roles.set(b.address.slice('aws_iam_role.'.length), b.body.name);
      if (b.type === 'aws_iam_instance_profile')
        this.profiles.set(b.address.slice('aws_iam_instance_profile.'.length), b.body.role);
      if (b.type === 'data.aws_iam_policy_document') this.docs.set(b.address, b);
    }
    for (const b of all) {
      if (b.type !== 'aws_iam_role' || typeof b.body.name !== 'string') continue;
      const doc = this.document(b.body.assume_role_policy);
      const services = new Set<string>();
      for (const st of this.statements(doc)) {
        for (const p of (st?.principals ?? []) as { type?: string; identifiers?: string[] }[]) {
          if (p.type === 'Service') (p.identifiers ?? []).forEach((i) => services.add(i));
        }
      }
      this.trusted.set(b.body.name, services);
    }
  }

  /** `${data.aws_iam_policy_document.x.json}` -> that block. */
  document(ref: unknown): Block | undefined {
    const m =
      typeof ref === 'string'
        ? /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(json|minified_json)\}$/.exec(ref)
        : null;
    return m ? this.docs.get(m[1]) : undefined;
  }

  statements(doc: Block | undefined): Record<string, unknown>[] {
    const statements = doc?.body.statement;
    return (Array.isArray(statements) ? statements : [statements]) as Record<string, unknown>[];
  }

  /**
   * The literal name of the role a reference passes: `${aws_iam_role.x.arn}` (or .name, .id), or through an
   * instance profile `${aws_iam_instance_profile.x.name}`. `where` names the reference, `block` its block.
   */
  role(ref: unknown, via: RoleReference, where: string, block: string): string {
    const roleRef = via === 'instance-profile' ? this.profileRole(ref, block) : ref;
    const m =
      typeof roleRef === 'string' ? /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(arn|name|id)\}$/.exec(roleRef) : null;
    const name = m ? this.roles.get(m[1]) : undefined;
    if (!name)
      throw new IamPolicyError(
        `iam:policy: ${where} passes a role that is not a literal-named aws_iam_role of the stack (${String(roleRef)})`,
      );
    return name;
  }

  private profileRole(ref: unknown, where: string): unknown {
    const m =
      typeof ref === 'string' ? /\$\{aws_iam_instance_profile\.([A-Za-z0-9_-]+)\.(name|arn|id)\}/.exec(ref) : null;
    if (!m || !this.profiles.has(m[1]))
      throw new IamPolicyError(
        `iam:policy: ${where} uses an instance profile that is not in the stack (${String(ref)})`,
      );
    return this.profiles.get(m[1]);
  }
}

interface StackNeeds {
  readonly types: string[];
  readonly grants: Grant[];
  /** service principal -> role names passed to it */
  readonly passRoles: Map<string, Set<string>>;
  /** AWS-managed policy ARN -> what the boundary lets a role use of it */
  readonly managedPolicies: Map<string, readonly Grant[]>;
  /** service principal -> its service-linked role */
  readonly serviceLinkedRoles: Map<string, string>;
  readonly tagOnCreate: TagOnCreate[];
  readonly exactNames: { readonly name: string; readonly rule: ExactNames }[];
  /** Address of a block with an exact name -> that name and its rule (role statements refer to it by address). */
  readonly exactByAddress: Map<string, { readonly name: string; readonly rule: ExactNames }>;
  /** statements of the role policies (for the boundary) */
  readonly roleStatements: { statement: Record<string, unknown>; where: string }[];
}

/**
 * The values at a dotted attribute path (`load_balancer.advanced_configuration.role_arn`), through nested blocks,
 * which cdktf writes as an object or as an array of objects.
 */
function valuesAt(body: unknown, path: string): unknown[] {
  let level: unknown[] = [body];
  for (const key of path.split('.')) {
    level = level
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map((v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined))
      .filter((v) => v !== undefined);
  }
  return level.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function readStack(stack: StackInput, ctx: Ctx): StackNeeds {
  checkProviderTags(stack, ctx);
  const all = blocks(stack.json);
  const needs: StackNeeds = {
    types: [...new Set(all.map((b) => b.type))].sort(),
    grants: [],
    passRoles: new Map(),
    managedPolicies: new Map(),
    serviceLinkedRoles: new Map(),
    tagOnCreate: [],
    exactNames: [],
    exactByAddress: new Map(),
    roleStatements: [],
  };
  // Fail first on unknown types, naming every one of them.
  const unknown = needs.types.filter((t) => !ACTION_MAP[t]);
  if (unknown.length > 0) {
    const example = all.find((b) => b.type === unknown[0])!.address;
    throw new IamPolicyError(
      `iam:policy: no action map for ${unknown.length === 1 ? 'type' : 'types'} ${unknown.join(', ')} (stack ${stack.name}, e.g. ${example}); ` +
        `add ${unknown.length === 1 ? 'it' : 'them'} to the service's file in ${ACTIONS_DIR}/ (a new service: a new file, listed in ${ACTIONS_DIR}/index.ts)`,
    );
  }
  const index = new StackIndex(all);
  // A role is only ever passed to a service its trust policy names: a wiring mistake fails here instead of
  // widening iam:PassRole.
  const pass = (service: string, roleName: string) => {
    if (!index.trusted.get(roleName)?.has(service)) {
      throw new IamPolicyError(
        `iam:policy: stack ${stack.name} passes role ${roleName} to ${service}, but the role's trust policy does not name that service`,
      );
    }
    if (!needs.passRoles.has(service)) needs.passRoles.set(service, new Set());
    needs.passRoles.get(service)!.add(roleName);
  };

  for (const b of all) {
    const entry = ACTION_MAP[b.type]!;
    checkNames(b, entry.names, ctx);
    needs.grants.push(...entry.grants.map((g) => withHostedZone(g, b, stack.name)));
    needs.tagOnCreate.push(...(entry.tagOnCreate ?? []));
    for (const s of entry.serviceLinkedRoles ?? []) needs.serviceLinkedRoles.set(s.service, s.roleName);
    for (const name of exactNames(b, entry.names)) {
      needs.exactNames.push({ name, rule: entry.names!.exact! });
      needs.exactByAddress.set(b.address, { name, rule: entry.names!.exact! });
    }

    for (const p of entry.passesRoles ?? []) {
      const refs = valuesAt(b.body, p.attribute);
      if (refs.length === 0 && p.required) refs.push(undefined);
      for (const ref of refs)
        pass(p.service, index.role(ref, p.via ?? 'role', `${b.address}.${p.attribute}`, b.address));
    }

    if (entry.managedPolicies) {
      const arn = b.body[entry.managedPolicies.attribute];
      const grants = typeof arn === 'string' && !isRef(arn) ? entry.managedPolicies.known[arn] : undefined;
      if (!grants) {
        throw new IamPolicyError(
          `iam:policy: ${b.address} attaches ${String(arn)}, which is not a known AWS-managed policy; ` +
            `add it to the managed policies of ${b.type} in ${actionFile(b.type)} (or use an inline policy)`,
        );
      }
      needs.managedPolicies.set(arn as string, grants);
    }

    if (entry.inlinePolicy) {
      const doc = index.document(b.body[entry.inlinePolicy.attribute]);
      if (!doc)
        throw new IamPolicyError(
          `iam:policy: ${b.address}: its policy must be a data.aws_iam_policy_document of the stack, so the boundary can be derived`,
        );
      for (const s of index.statements(doc))
        needs.roleStatements.push({ statement: s, where: `${b.address} (${doc.address})` });
    }

    if (entry.commands) {
      const provisioners = (b.body.provisioner ?? []) as Record<string, { command?: string }>[];
      for (const p of provisioners) {
        for (const [kind, prov] of Object.entries(p)) {
          const command = prov.command ?? '';
          const known = entry.commands.find((k) => k.pattern.test(command));
          if (kind !== 'local-exec' || !known) {
            throw new IamPolicyError(
              `iam:policy: ${b.address} runs a ${kind} command the generator has no action map for ("${command.slice(0, 60)}"); add it to the commands of ${b.type} in ${ACTIONS_DIR}/null-resource-commands.ts`,
            );
          }
          needs.grants.push(...known.grants);
          for (const r of known.passesRoles ?? []) {
            const ref = new RegExp(`${escapeRegExp(r.flag)}\\s+(\\S+)`).exec(command)?.[1];
            if (ref) pass(r.service, index.role(ref, r.via, `${b.address} ${r.flag}`, b.address));
          }
        }
      }
    }
  }
  needs.grants.push(...WORKFLOW_GRANTS);
  return needs;
}

// ---- from grants to statements --------------------------------------------------------------------------------

/**
 * Whether a grant belongs to an environment's policy (its ARNs or its condition name the environment; every named
 * condition kind does, except `boundary`, whose role ARNs do) or to the shared one.
 */
const usesEnv = (g: Grant): boolean =>
  g.resources.some((r) => r.includes('{env}') || r.includes(':route53:::hostedzone/')) ||
  (typeof g.condition === 'string' && g.condition !== 'boundary') ||
  (typeof g.condition === 'object' && JSON.stringify(g.condition).includes('{env}'));

function envDrafts(needs: StackNeeds, ctx: Ctx, shared: Map<string, Draft>, checkStar: StarCheck): Map<string, Draft> {
  const drafts = new Map<string, Draft>();
  for (const g of needs.grants) {
    if (isStar(g.resources)) checkStar(g.actions, `the ${g.sid} grant`, g.condition);
    if (g.resources.length === 0) throw new IamPolicyError(`iam:policy: the ${g.sid} grant has no resources`);
    const target = usesEnv(g) ? drafts : shared;
    addDraft(
      target,
      g.sid,
      g.actions,
      g.resources.map((r) => fill(r, ctx)),
      expandCondition(g.condition, ctx),
    );
  }
  // Exact names (the seed's neo4j_<stage|prod>_secrets): the same actions as the patterned names of their type.
  for (const { name, rule } of needs.exactNames) {
    const actions = new Set<string>();
    for (const g of needs.grants) if (g.sid === rule.actionsOf) g.actions.forEach((a) => actions.add(a));
    addDraft(drafts, rule.sid, actions, [fill(rule.arn.split('{name}').join(name), ctx)]);
  }
  // Tag-on-create, one statement per service: only in the call that creates the resource, only with this environment's tags.
  for (const service of ['ec2', 'elasticloadbalancing'] as const) {
    const items = needs.tagOnCreate.filter((t) => t.service === service);
    if (items.length === 0) continue;
    const action = service === 'ec2' ? 'ec2:CreateTags' : 'elasticloadbalancing:AddTags';
    const cond = expandCondition('request-tag', ctx)!;
    cond.StringEquals[`${service}:CreateAction`] = [...new Set(items.map((t) => t.createAction))].sort();
    addDraft(
      drafts,
      'TagOnCreate',
      [action],
      items.flatMap((t) => t.resources.map((r) => fill(r, ctx))),
      cond,
    );
  }
  // Tags on existing EC2 resources of this environment (never re-tagging them into another environment).
  const ec2Types = [
    ...new Set(
      needs.tagOnCreate.filter((t) => t.service === 'ec2').flatMap((t) => t.resources.map((r) => fill(r, ctx))),
    ),
  ];
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
        d.condition = {
          ...d.condition,
          ArnEquals: {
            'iam:PolicyARN': [...needs.managedPolicies.keys()]
              .map((a) => a.replace(/^arn:aws:/, `arn:${ctx.o.partition}:`))
              .sort(),
          },
        };
      }
    }
    // re-key after changing the condition
    const rekeyed = new Map<string, Draft>();
    for (const d of drafts.values()) rekeyed.set(draftKey(d), d);
    drafts.clear();
    for (const [k, v] of rekeyed) drafts.set(k, v);
  }
  // Service-linked roles the first create needs.
  const services = [...needs.serviceLinkedRoles.keys()].sort();
  for (const service of services) {
    addDraft(
      shared,
      'ServiceLinkedRoles',
      ['iam:CreateServiceLinkedRole'],
      [
        fill(
          `arn:{partition}:iam::{account}:role/aws-service-role/${service}/${needs.serviceLinkedRoles.get(service)}`,
          ctx,
        ),
      ],
      {
        StringEquals: { 'iam:AWSServiceName': services },
      },
    );
  }
  return drafts;
}

// ---- the boundary ---------------------------------------------------------------------------------------------

function boundaryDocument(allNeeds: { needs: StackNeeds; ctx: Ctx }[], checkStar: StarCheck): PolicyStatement[] {
  const drafts = new Map<string, Draft>();
  for (const { needs, ctx } of allNeeds) {
    for (const { statement, where } of needs.roleStatements) {
      if ((statement.effect ?? 'Allow') !== 'Allow') continue;
      const actions = (statement.actions as string[] | undefined) ?? [];
      if (actions.some((a) => isRef(a) || a.endsWith(':*') || a === '*'))
        throw new IamPolicyError(`iam:policy: ${where}: role policy actions must be literal and not wildcards`);
      const resources: string[] = [];
      const exact: { name: string; rule: ExactNames }[] = [];
      for (const r of (statement.resources as string[] | undefined) ?? []) {
        if (r === '*') {
          checkStar(actions, where);
          resources.push('*');
          continue;
        }
        const m = /^\$\{((?:data\.)?[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.arn\}(.*)$/.exec(r);
        const seed = m ? needs.exactByAddress.get(`${m[1]}.${m[2]}`) : undefined;
        if (seed) {
          exact.push(seed);
          continue;
        }
        if (m) {
          const arns = ACTION_MAP[m[1]]?.boundaryArns;
          if (!arns)
            throw new IamPolicyError(
              `iam:policy: ${where}: the boundary has no scope for references to ${m[1]}; add boundaryArns to its entry in ${actionFile(m[1])}`,
            );
          resources.push(...arns.map((a) => fill(a, ctx, PRINCIPAL_ENV_VARIABLE)));
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
      if (resources.length > 0) addDraft(drafts, 'WorkloadRoles', actions, resources, condition);
      // An exact (seed) name: the statement's actions on exactly that ARN, for roles of the stack's environment only.
      for (const { name, rule } of exact) {
        addDraft(drafts, rule.boundary.sid, actions, [fill(rule.arn.split('{name}').join(name), ctx)], {
          ...(condition ?? {}),
          StringEquals: { ...(condition?.StringEquals ?? {}), 'aws:PrincipalTag/environment': ctx.env },
        });
      }
    }
    for (const arn of [...needs.managedPolicies.keys()].sort()) {
      for (const g of needs.managedPolicies.get(arn)!) {
        if (isStar(g.resources)) checkStar(g.actions, `the boundary's ${g.sid} grant`, g.condition);
        const pctx: Ctx = { ...ctx, env: PRINCIPAL_ENV_VARIABLE };
        addDraft(
          drafts,
          g.sid,
          g.actions,
          g.resources.map((r) => fill(r, pctx)),
          expandCondition(g.condition, pctx),
        );
      }
    }
  }
  // Merge the workload drafts by their resources, so each resource set appears once.
  return finish(drafts);
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
  return (
    documentSize(doc).valueOf() -
    (JSON.stringify(doc).split(ACCOUNT_VARIABLE).length - 1) * (ACCOUNT_VARIABLE.length - 12)
  );
}

function policy(
  name: string,
  audience: GeneratedPolicy['audience'],
  description: string,
  statements: PolicyStatement[],
): GeneratedPolicy {
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const size = deployedSize(document);
  if (size > MANAGED_POLICY_SPLIT_TARGET) {
    throw new IamPolicyError(
      `iam:policy: ${name} would be ${size} characters, over ${MANAGED_POLICY_SPLIT_TARGET} (IAM's ${MANAGED_POLICY_SIZE_LIMIT}-character managed-policy limit less ${MANAGED_POLICY_HEADROOM} of headroom); one statement is too large to split`,
    );
  }
  const actionCount = new Set(statements.flatMap((s) => s.Action)).size;
  return { name, audience, description, file: POLICY_NAMES.file(name), document, size, actionCount };
}

/** IAM allows 10 managed policies per group or role by default: one shared + at most this many per environment. */
export const MAX_PARTS = 8;

/**
 * Splits statements into as few managed policies as fit the split target, the size limit less its headroom (first
 * fit, in statement order, so the split is deterministic): <name>, <name>-2, <name>-3 ...
 */
function policies(
  name: string,
  audience: GeneratedPolicy['audience'],
  description: string,
  statements: PolicyStatement[],
): GeneratedPolicy[] {
  const parts: PolicyStatement[][] = [];
  for (const st of statements) {
    const fits = parts.find(
      (p) => deployedSize({ Version: '2012-10-17', Statement: [...p, st] }) <= MANAGED_POLICY_SPLIT_TARGET,
    );
    if (fits) fits.push(st);
    else parts.push([st]);
  }
  if (parts.length > MAX_PARTS)
    throw new IamPolicyError(`iam:policy: ${name} needs ${parts.length} managed policies, more than ${MAX_PARTS}`);
  return parts.map((p, i) =>
    policy(
      i === 0 ? name : `${name}-${i + 1}`,
      audience,
      parts.length === 1 ? description : `${description} (part ${i + 1} of ${parts.length})`,
      p,
    ),
  );
}

/** Generates the whole set. Throws IamPolicyError (one line) on anything it cannot map. */
export function generateDeployerPolicies(stacks: readonly StackInput[], options: GeneratorOptions): DeployerPolicySet {
  const o: Required<GeneratorOptions> = { project: 'credex', partition: 'aws', account: ACCOUNT_VARIABLE, ...options };
  if (stacks.length === 0) throw new IamPolicyError('iam:policy: no environment stacks to read');
  const checkStar = starCheck(o.unscopableActions);
  const shared = new Map<string, Draft>();
  const perEnv: { env: string; statements: PolicyStatement[] }[] = [];
  const all: { needs: StackNeeds; ctx: Ctx }[] = [];
  const types: Record<string, string[]> = {};
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const ctx: Ctx = { env: stack.name, region: stackRegion(stack), o };
    const needs = readStack(stack, ctx);
    types[stack.name] = needs.types;
    all.push({ needs, ctx });
    perEnv.push({ env: stack.name, statements: finish(envDrafts(needs, ctx, shared, checkStar), ctx) });
  }
  const envNames = perEnv.map((p) => p.env);
  const generated: GeneratedPolicy[] = [
    ...policies(
      POLICY_NAMES.shared,
      'shared',
      `credex deployers, all environments: reads AWS cannot scope, ECR push, service-linked roles (generated by npm run iam:policy)`,
      finish(shared),
    ),
    ...perEnv.flatMap((p) =>
      policies(
        POLICY_NAMES.env(p.env),
        p.env as GeneratedPolicy['audience'],
        `credex deployers of ${p.env} only: its resources by name or tag, its state, its roles (generated by npm run iam:policy)`,
        p.statements,
      ),
    ),
    ...policies(
      o.boundaryName,
      'boundary',
      `Permissions boundary of every role the credex stacks create (generated by npm run iam:policy)`,
      boundaryDocument(all, checkStar),
    ),
  ];
  return {
    generator: 'npm run iam:policy (tools/iam/cli.ts)',
    partition: o.partition,
    environments: envNames,
    types,
    policies: generated,
  };
}

/** The role-name globs of an environment (for tests and docs). */
export function roleNamePatterns(env: string): string[] {
  return ROLE_NAME_PATTERNS.map((p) => p.replace(/\{env\}/g, env));
}
