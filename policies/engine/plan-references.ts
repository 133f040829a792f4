/**
 * A plan's `configuration` section, read module-relatively. Inside `module.net`, the expression `aws_vpc.main.id`
 * means `module.net.aws_vpc.main.id`; `var.vpc_id` means whatever the parent's `module "net"` call passes as
 * vpc_id (in the parent's own scope); `module.inner.sg_id` means the expression of the child's output `sg_id` (in the
 * child's scope). Following those links, a value known only after apply is named by the address of the resource it
 * comes from, at any module depth, so the rules can link a flow log to its VPC or a rule to its security group.
 *
 * Terraform writes the configuration once per module (no instance keys), while resource addresses carry the keys of
 * each module instance (`module.net[0].aws_vpc.main`): lookups strip the keys, and resolved references carry the
 * keys of the instance they were resolved from.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One module of the configuration. */
interface ModuleScope {
  /** Its module path without instance keys, '' for the root, else e.g. 'module.net.module.inner.'. */
  readonly path: string;
  readonly parent?: ModuleScope;
  /** The expressions the parent's call passes to this module's variables. */
  readonly callExpressions: Json;
  /** Output name to its expression. */
  readonly outputs: Json;
  /** Child module name to its scope. */
  readonly calls: Map<string, ModuleScope>;
}

/** How deep references may lead through variables and outputs before the lookup gives up (a cycle, or absurd input). */
const MAX_HOPS = 64;

/** `module.a[0].module.b["k"].` at the start of an address: one module step, with its instance key if any. */
const MODULE_STEP = /^module\.([A-Za-z0-9_-]+)((?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?)\./;

/** The module prefix of an address, with instance keys ('module.net[0].'), or '' at the root. */
export function modulePrefix(address: string): string {
  let prefix = '';
  let rest = address;
  for (let m = MODULE_STEP.exec(rest); m; m = MODULE_STEP.exec(rest)) {
    prefix += m[0];
    rest = rest.slice(m[0].length);
  }
  return prefix;
}

/** An address or module prefix without instance keys: the configuration's name for it. */
export const withoutKeys = (address: string): string => address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');

/** The resource or data source a resolved reference starts with (module steps and instance keys included). */
const RESOURCE =
  /^((?:module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.)*(?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?)/;

/** The prefix of the parent module instance: 'module.a[0].module.b.' -> 'module.a[0].'. */
function parentPrefix(prefix: string): string {
  let rest = prefix;
  let kept = '';
  const steps: string[] = [];
  for (let m = MODULE_STEP.exec(rest); m; m = MODULE_STEP.exec(rest)) {
    steps.push(m[0]);
    rest = rest.slice(m[0].length);
  }
  for (const step of steps.slice(0, -1)) kept += step;
  return kept;
}

export class PlanReferences {
  /** Configuration expressions of every resource, by address without instance keys. */
  readonly expressions = new Map<string, Json>();
  private readonly scopes = new Map<string, ModuleScope>();

  constructor(configuration: unknown) {
    const root = isObject(configuration) ? configuration.root_module : undefined;
    this.scopes.set('', this.read(root, '', undefined, {}));
  }

  private read(mod: unknown, path: string, parent: ModuleScope | undefined, callExpressions: Json): ModuleScope {
    const m = isObject(mod) ? mod : {};
    const scope: ModuleScope = {
      path,
      parent,
      callExpressions,
      outputs: isObject(m.outputs) ? m.outputs : {},
      calls: new Map(),
    };
    this.scopes.set(path, scope);
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (isObject(r) && typeof r.address === 'string' && isObject(r.expressions))
        this.expressions.set(path + r.address, r.expressions);
    }
    if (isObject(m.module_calls)) {
      for (const [name, call] of Object.entries(m.module_calls)) {
        if (!isObject(call)) continue;
        const child = this.read(
          call.module,
          `${path}module.${name}.`,
          scope,
          isObject(call.expressions) ? call.expressions : {},
        );
        scope.calls.set(name, child);
      }
    }
    return scope;
  }

  /**
   * What an expression of the resource at `address` stands for, as "${...}" references (module path and instance
   * keys included): the resources and data sources its references lead to. A collection (a list or set of
   * references) is one reference per resource, in order; a single value that may come from several resources (a
   * conditional) cannot be named and is undefined, as is an expression without references. An expression that
   * leads to no resource (a root variable or local, unknown only through them) keeps its first reference as written.
   */
  placeholder(expr: unknown, address: string, collection = false): string | string[] | undefined {
    if (!isObject(expr) || !Array.isArray(expr.references)) return undefined;
    const refs = expr.references.filter((r): r is string => typeof r === 'string');
    if (refs.length === 0) return undefined;
    const prefix = modulePrefix(address);
    const scope = this.scopes.get(withoutKeys(prefix));
    const byResource = new Map<string, string>();
    for (const ref of refs) {
      const resolved = scope ? this.resolve(ref, scope, prefix, 0) : undefined;
      const resource = resolved === undefined ? undefined : RESOURCE.exec(resolved)?.[1];
      if (resolved && resource && !byResource.has(resource)) byResource.set(resource, resolved);
    }
    // Terraform lists aws_vpc.main[1].id, aws_vpc.main[1] and aws_vpc.main for one use: the keyless form adds nothing.
    for (const resource of [...byResource.keys()]) {
      if (!resource.endsWith(']') && [...byResource.keys()].some((r) => r.startsWith(`${resource}[`)))
        byResource.delete(resource);
    }
    const found = [...byResource.values()].map((r) => '${' + r + '}');
    if (found.length === 0) return collection ? ['${' + refs[0] + '}'] : '${' + refs[0] + '}';
    if (collection) return found;
    return found.length === 1 ? found[0] : undefined;
  }

  /** A reference made in `scope` (whose instance prefix is `prefix`) as a resource address path, or undefined. */
  private resolve(ref: string, scope: ModuleScope, prefix: string, hops: number): string | undefined {
    if (hops > MAX_HOPS) return undefined;
    const root = ref.split(/[.[]/, 1)[0];
    if (root === 'var') {
      const name = /^var\.([A-Za-z0-9_-]+)/.exec(ref)?.[1];
      const passed = name !== undefined && scope.parent ? scope.callExpressions[name] : undefined;
      if (!scope.parent || !isObject(passed) || !Array.isArray(passed.references)) return undefined;
      for (const r of passed.references) {
        const found = typeof r === 'string' ? this.resolve(r, scope.parent, parentPrefix(prefix), hops + 1) : undefined;
        if (found) return found;
      }
      return undefined;
    }
    if (root === 'module') {
      const m = /^module\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])?)\.([A-Za-z0-9_-]+)/.exec(ref);
      const child = m ? scope.calls.get(m[1]) : undefined;
      const output = m && child ? child.outputs[m[3]] : undefined;
      const expression = isObject(output) ? output.expression : undefined;
      if (!m || !child || !isObject(expression) || !Array.isArray(expression.references)) return undefined;
      for (const r of expression.references) {
        const found =
          typeof r === 'string' ? this.resolve(r, child, `${prefix}module.${m[1]}${m[2]}.`, hops + 1) : undefined;
        if (found) return found;
      }
      return undefined;
    }
    // Names that are not resources: locals (not in a plan's configuration), iteration and meta values.
    if (['local', 'count', 'each', 'path', 'self', 'terraform'].includes(root)) return undefined;
    return prefix + ref;
  }
}
