/**
 * One view of the input: cdktf config (cdk.tf.json) and `terraform show -json` plans become one map keyed by
 * Terraform address, {type, name, mode, values}. References stay "${...}" strings so the rules can treat them as
 * edges (an SG reference is not a CIDR); in a plan, a value unknown until apply is replaced by the reference the
 * configuration gives for it (or "${(known after apply)}"), and a sensitive value by "${(sensitive)}" unless the
 * configuration wrote it as a literal. Construct metadata (path, stack trace) and waivers stay on the host side.
 */
import { STACK_NAMES } from '../../contracts/stacks';
import { COMMENT_KEY, WAIVERS_FIELD } from '../../contracts/waivers';
import { InputError } from '../../lib/errors';
import { jsonencodeToJson } from './hcl';
import { PlanReferences, withoutKeys } from './plan-references';
import { ConfigResolver, moduleCalls, Unjudgeable } from './config-resolve';
import { configProviders, planProviders } from './providers';

export type InputFormat = 'cdktf' | 'plan';

export interface PolicyResource {
  readonly type: string;
  readonly name: string;
  readonly mode: 'managed' | 'data';
  readonly values: Record<string, unknown>;
  /** The provider configuration ("aws.eu") when a plan's resource uses another than the default (see providers.ts). */
  readonly provider?: string;
}

/** What is sent to the compiled policy. */
export interface PolicyInput {
  readonly format: InputFormat;
  readonly stack: string;
  readonly environment: string;
  /** The aws provider's literal region, when the document gives one (rules model ARNs in it). */
  readonly region?: string;
  readonly resources: Record<string, PolicyResource>;
  /** Parts of the document the rules cannot see into (module calls, dynamic blocks left unexpanded): CDX-GATE-002. */
  readonly unjudgeable: readonly Unjudgeable[];
  /** Provider configuration key → region, when the document has several AWS provider configurations. */
  readonly providers?: Record<string, string>;
}

export interface RecordedWaiver {
  readonly rule?: unknown;
  readonly reason?: unknown;
  readonly expires?: unknown;
}

export interface ResourceMeta {
  readonly constructPath?: string;
  readonly stackTrace?: readonly string[];
  readonly waivers: readonly RecordedWaiver[];
}

export interface NormalisedDocument {
  readonly input: PolicyInput;
  readonly meta: Record<string, ResourceMeta>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stack names the gate recognises as environments: every stack main.ts synthesizes (contracts/stacks.ts). */
const ENVIRONMENTS = new Set<string>(STACK_NAMES);
const CONFIG_KEYS = ['resource', 'data', 'terraform', 'provider', 'module', 'output', 'variable', 'locals'];

/** Detects the shape and normalises it; throws InputError when the document is not Terraform JSON. */
export function normalise(doc: unknown, label: string): NormalisedDocument {
  if (!isObject(doc)) throw new InputError(`${label}: not Terraform JSON (expected a JSON object)`);
  if (Object.keys(doc).length === 0) throw new InputError(`${label}: empty JSON object, not Terraform JSON`);
  if ('planned_values' in doc || 'resource_changes' in doc || ('format_version' in doc && 'values' in doc))
    return normalisePlan(doc, label);
  if (CONFIG_KEYS.some((k) => k in doc)) return normaliseConfig(doc, label);
  throw new InputError(
    `${label}: not Terraform JSON (no resource/data/terraform blocks of a cdktf config, no planned_values/resource_changes of a plan)`,
  );
}

/** Replaces cdktf's ${jsonencode(...)} strings by JSON, everywhere in a value. */
function decodeStrings(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.startsWith('${jsonencode(') ? (jsonencodeToJson(value) ?? value) : value;
  }
  if (Array.isArray(value)) return value.map(decodeStrings);
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeStrings(v);
    return out;
  }
  return value;
}

function environmentOf(stack: string, tagged: string | undefined): string {
  if (ENVIRONMENTS.has(stack)) return stack;
  return tagged && ENVIRONMENTS.has(tagged.toLowerCase()) ? tagged.toLowerCase() : '';
}

function tagEnvironment(tags: unknown): string | undefined {
  if (!isObject(tags)) return undefined;
  const v = tags.environment ?? tags.Environment;
  return typeof v === 'string' ? v : undefined;
}

/** Construct metadata and waivers from a block's `//` comment. */
function metaOf(comment: unknown): ResourceMeta {
  const c = isObject(comment) ? comment : {};
  const m = isObject(c.metadata) ? c.metadata : {};
  return {
    constructPath: typeof m.path === 'string' ? m.path : undefined,
    stackTrace: Array.isArray(m.stackTrace)
      ? m.stackTrace.filter((s): s is string => typeof s === 'string')
      : undefined,
    waivers: Array.isArray(c[WAIVERS_FIELD]) ? (c[WAIVERS_FIELD] as RecordedWaiver[]) : [],
  };
}

function normaliseConfig(doc: Json, label: string): NormalisedDocument {
  const resources: Record<string, PolicyResource> = {};
  const meta: Record<string, ResourceMeta> = {};
  const resolver = new ConfigResolver(doc);
  const unjudgeable: Unjudgeable[] = [];
  for (const call of moduleCalls(doc)) {
    unjudgeable.push(call.shape);
    meta[call.shape.address] = metaOf(call.comment);
  }
  for (const [section, mode] of [
    ['resource', 'managed'],
    ['data', 'data'],
  ] as const) {
    const byType = doc[section];
    if (byType === undefined) continue;
    if (!isObject(byType)) throw new InputError(`${label}: "${section}" must be an object of resource types`);
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) throw new InputError(`${label}: ${section}.${type} must be an object of resources`);
      for (const [name, raw] of Object.entries(byName)) {
        const body = Array.isArray(raw) ? raw[0] : raw;
        if (!isObject(body)) throw new InputError(`${label}: ${section}.${type}.${name} must be an object`);
        const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        const { [COMMENT_KEY]: comment, ...rest } = body;
        const resolved = resolver.resolve(rest, address);
        unjudgeable.push(...resolved.unjudgeable);
        resources[address] = { type, name, mode, values: decodeStrings(resolved.values) as Json };
        meta[address] = metaOf(comment);
      }
    }
  }
  const comment = doc[COMMENT_KEY];
  const top = isObject(comment) && isObject(comment.metadata) ? (comment.metadata as Json) : {};
  const stack = typeof top.stackName === 'string' ? top.stackName : label;
  let tagged: string | undefined;
  const providers = isObject(doc.provider) ? doc.provider.aws : undefined;
  for (const p of Array.isArray(providers) ? providers : [providers]) {
    if (!isObject(p)) continue;
    for (const dt of Array.isArray(p.default_tags) ? p.default_tags : [p.default_tags]) {
      if (isObject(dt)) tagged = tagged ?? tagEnvironment(dt.tags);
    }
  }
  const region = providerRegion(providers);
  const regions = configProviders(doc);
  return {
    input: {
      format: 'cdktf',
      stack,
      environment: environmentOf(stack, tagged),
      ...region,
      resources,
      unjudgeable,
      ...(regions ? { providers: regions } : {}),
    },
    meta,
  };
}

interface PlanResource {
  address?: unknown;
  mode?: unknown;
  type?: unknown;
  name?: unknown;
  values?: unknown;
}

const UNKNOWN = '${(known after apply)}';
const SENSITIVE = '${(sensitive)}';

/**
 * The configuration expression of a nested value: blocks nest expressions (lists of objects of expressions),
 * while an attribute holding an object has one expression for the whole value, whose references then apply.
 */
function childExpr(expr: unknown, key: string | number): unknown {
  if (Array.isArray(expr)) return expr[key as number];
  if (isObject(expr)) return 'references' in expr || 'constant_value' in expr ? expr : expr[key];
  return undefined;
}

/** Names a value unknown until apply, from its configuration expression; `collection` when Terraform marks it a list, set or map. */
type UnknownNamer = (expr: unknown, path: readonly (string | number)[], collection: boolean) => unknown;

/**
 * Fills values unknown until apply (after_unknown) with what the configuration says they come from (`name`:
 * module-relative references, see plan-references.ts), recursively. after_sensitive, read alongside, marks every
 * collection with [] or {} even when its content is unknown: that tells a list of references from one reference.
 */
function fillUnknown(
  value: unknown,
  unknown: unknown,
  expr: unknown,
  sensitive: unknown,
  name: UnknownNamer,
  path: (string | number)[] = [],
): unknown {
  if (unknown === true) return name(expr, path, Array.isArray(sensitive) || isObject(sensitive));
  if (Array.isArray(unknown)) {
    const arr = Array.isArray(value) ? [...value] : [];
    const s = Array.isArray(sensitive) ? sensitive : [];
    unknown.forEach((u, i) => {
      if (u !== false) arr[i] = fillUnknown(arr[i], u, childExpr(expr, i), s[i], name, [...path, i]);
    });
    return arr;
  }
  if (isObject(unknown)) {
    const obj: Json = isObject(value) ? { ...value } : {};
    const s = isObject(sensitive) ? sensitive : {};
    for (const [k, u] of Object.entries(unknown)) {
      if (u !== false) obj[k] = fillUnknown(obj[k], u, childExpr(expr, k), s[k], name, [...path, k]);
    }
    return obj;
  }
  return value;
}

/** Hides sensitive values (after_sensitive) unless the configuration wrote them as literals. */
function maskSensitive(value: unknown, sensitive: unknown, expr: unknown): unknown {
  if (sensitive === true) {
    if (isObject(expr) && 'constant_value' in expr) return value;
    return value === undefined || value === null ? value : SENSITIVE;
  }
  if (Array.isArray(sensitive) && Array.isArray(value)) {
    return value.map((v, i) => maskSensitive(v, sensitive[i], childExpr(expr, i)));
  }
  if (isObject(sensitive) && isObject(value)) {
    const obj: Json = { ...value };
    for (const [k, s] of Object.entries(sensitive)) obj[k] = maskSensitive(obj[k], s, childExpr(expr, k));
    return obj;
  }
  return value;
}

/**
 * A plan's sections must have their documented types: a section of the wrong type (planned_values a string,
 * resource_changes null, a resource that is not an object) would otherwise read as "no resources" and pass.
 */
function checkPlanShape(doc: Json, label: string): void {
  const wrong = (what: string, expected: string, v: unknown) =>
    new InputError(
      `${label}: ${what} must be ${expected}, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}; not a terraform show -json plan`,
    );
  for (const key of ['planned_values', 'prior_state', 'configuration', 'values']) {
    if (key in doc && !isObject(doc[key])) throw wrong(key, 'an object', doc[key]);
  }
  if ('resource_changes' in doc && !Array.isArray(doc.resource_changes))
    throw wrong('resource_changes', 'an array', doc.resource_changes);
  const checkModule = (mod: unknown, where: string, depth: number): void => {
    if (mod === undefined) return;
    if (!isObject(mod)) throw wrong(where, 'an object', mod);
    if (depth > 64) throw new InputError(`${label}: modules nested deeper than 64 levels`);
    if ('resources' in mod) {
      if (!Array.isArray(mod.resources)) throw wrong(`${where}.resources`, 'an array', mod.resources);
      mod.resources.forEach((r, i) => {
        if (!isObject(r)) throw wrong(`${where}.resources[${i}]`, 'an object', r);
        if (typeof r.address !== 'string' || typeof r.type !== 'string')
          throw new InputError(`${label}: ${where}.resources[${i}] has no address or type`);
        if ('values' in r && r.values !== null && !isObject(r.values))
          throw wrong(`${where}.resources[${i}].values`, 'an object', r.values);
      });
    }
    if ('child_modules' in mod) {
      if (!Array.isArray(mod.child_modules)) throw wrong(`${where}.child_modules`, 'an array', mod.child_modules);
      mod.child_modules.forEach((c, i) => checkModule(c, `${where}.child_modules[${i}]`, depth + 1));
    }
  };
  for (const key of ['planned_values', 'prior_state', 'values']) {
    const section = doc[key];
    if (!isObject(section)) continue;
    const root =
      key === 'prior_state' ? (isObject(section.values) ? section.values.root_module : undefined) : section.root_module;
    checkModule(root, `${key}${key === 'prior_state' ? '.values' : ''}.root_module`, 0);
  }
  (Array.isArray(doc.resource_changes) ? doc.resource_changes : []).forEach((rc, i) => {
    if (!isObject(rc)) throw wrong(`resource_changes[${i}]`, 'an object', rc);
    if (typeof rc.address !== 'string') throw new InputError(`${label}: resource_changes[${i}] has no address`);
    if (!isObject(rc.change)) throw wrong(`resource_changes[${i}].change`, 'an object', rc.change);
  });
  if (!isObject(doc.planned_values) && !Array.isArray(doc.resource_changes) && !isObject(doc.values))
    throw new InputError(`${label}: a plan without planned_values, resource_changes or values has nothing to judge`);
}

/**
 * Changes a plan does not hold: an incomplete plan (`complete: false`, Terraform 1.8+) defers some resources to a
 * later plan (`deferred_changes`, each named), and an errored plan stopped before it planned everything.
 */
function planGaps(doc: Json): Unjudgeable[] {
  const gaps: Unjudgeable[] = [];
  if (doc.complete === false) {
    for (const d of Array.isArray(doc.deferred_changes) ? doc.deferred_changes : []) {
      const rc = isObject(d) && isObject(d.resource_change) ? d.resource_change : undefined;
      if (!rc || typeof rc.address !== 'string') continue;
      const reason = typeof (d as Json).reason === 'string' ? ` (${(d as Json).reason})` : '';
      gaps.push({ address: rc.address, shape: 'deferred', detail: `its change is deferred to a later plan${reason}` });
    }
    if (gaps.length === 0)
      gaps.push({
        address: '(plan)',
        shape: 'incomplete-plan',
        detail: 'the plan is incomplete (complete is false): some changes are deferred to a later plan',
      });
  }
  if (doc.errored === true)
    gaps.push({
      address: '(plan)',
      shape: 'incomplete-plan',
      detail: 'the plan errored (errored is true): Terraform stopped before it planned every change',
    });
  return gaps;
}

function normalisePlan(doc: Json, label: string): NormalisedDocument {
  checkPlanShape(doc, label);
  const resources: Record<string, PolicyResource> = {};
  const meta: Record<string, ResourceMeta> = {};
  const refs = new PlanReferences(doc.configuration);
  const providerKeys = planProviders(doc);
  const changes = new Map<string, Json>();
  for (const rc of Array.isArray(doc.resource_changes) ? doc.resource_changes : []) {
    if (isObject(rc) && typeof rc.address === 'string' && isObject(rc.change)) changes.set(rc.address, rc);
  }
  let tagged: string | undefined;
  const add = (r: PlanResource): void => {
    if (typeof r.address !== 'string' || typeof r.type !== 'string') return;
    const mode = r.mode === 'data' ? 'data' : 'managed';
    const address = r.address;
    const expr = refs.expressions.get(withoutKeys(address));
    const change = changes.get(address)?.change as Json | undefined;
    let values: unknown = isObject(r.values) ? r.values : {};
    if (change) {
      values = fillUnknown(values, change.after_unknown, expr, change.after_sensitive, (e, path, collection) => {
        const named = refs.placeholder(e, address, collection);
        if (named !== undefined) return named;
        // A resource's own id or ARN, unknown until it exists, is "this resource's id": unique per resource, and
        // equal to what other resources' references to it become.
        if (path.length === 1 && (path[0] === 'id' || path[0] === 'arn')) return '${' + `${address}.${path[0]}` + '}';
        return UNKNOWN;
      });
      values = maskSensitive(values, change.after_sensitive, expr);
    }
    const v = values as Json;
    tagged = tagged ?? tagEnvironment(v.tags_all) ?? tagEnvironment(v.tags);
    const provider = providerKeys.byResource.get(withoutKeys(address));
    resources[r.address] = {
      type: r.type,
      name: typeof r.name === 'string' ? r.name : r.address,
      mode,
      values: v,
      ...(provider ? { provider } : {}),
    };
    meta[r.address] = { waivers: [] };
  };
  const walk = (mod: unknown): void => {
    if (!isObject(mod)) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) if (isObject(r)) add(r as PlanResource);
    for (const child of Array.isArray(mod.child_modules) ? mod.child_modules : []) walk(child);
  };
  const root = isObject(doc.planned_values) ? doc.planned_values : isObject(doc.values) ? doc.values : undefined;
  walk(root?.root_module);
  // Data sources read while planning are in prior_state rather than planned_values.
  const prior =
    isObject(doc.prior_state) && isObject(doc.prior_state.values) ? doc.prior_state.values.root_module : undefined;
  const walkData = (mod: unknown): void => {
    if (!isObject(mod)) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
      if (isObject(r) && r.mode === 'data' && typeof r.address === 'string' && !resources[r.address])
        add(r as PlanResource);
    }
    for (const child of Array.isArray(mod.child_modules) ? mod.child_modules : []) walkData(child);
  };
  walkData(prior);
  // Resources only in resource_changes (no planned values, e.g. a plan without planned_values): use `after`.
  for (const [address, rc] of changes) {
    const change = rc.change as Json;
    if (resources[address] || !isObject(change.after)) continue;
    add({ address, mode: rc.mode, type: rc.type, name: rc.name, values: change.after });
  }
  const config = isObject(doc.configuration) ? doc.configuration : {};
  const providerConfig = isObject(config.provider_config) ? config.provider_config.aws : undefined;
  const expressions = isObject(providerConfig) ? providerConfig.expressions : undefined;
  const regionExpr = isObject(expressions) ? expressions.region : undefined;
  const region = providerRegion({ region: isObject(regionExpr) ? regionExpr.constant_value : undefined });
  const regions = providerKeys.regions;
  return {
    input: {
      format: 'plan',
      stack: label,
      environment: environmentOf(label, tagged),
      ...region,
      resources,
      unjudgeable: planGaps(doc),
      ...(regions ? { providers: regions } : {}),
    },
    meta,
  };
}

/** The aws provider's region when it is a literal (the first provider block of cdktf JSON, a plan's provider config). */
function providerRegion(providers: unknown): { region?: string } {
  const first = Array.isArray(providers) ? providers[0] : providers;
  const region = isObject(first) ? first.region : undefined;
  return typeof region === 'string' && region !== '' && !region.includes('${') ? { region } : {};
}
