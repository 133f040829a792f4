/**
 * What a cdktf config (cdk.tf.json, or any Terraform JSON configuration) says exactly, beyond its literal values:
 * - locals: `${local.admin_cidr}` is replaced by the local's value (itself resolved, recursively), anywhere in a
 *   resource or data source. A whole "${local.x}" takes the value as it is (a list, a number, an expression string);
 *   inside a longer string a local is inlined only when it is a string, number or bool (what Terraform interpolates).
 * - `dynamic` blocks and for expressions (how cdktf writes TerraformIterator.dynamic for attribute blocks such as a
 *   security group's ingress) whose collection is a literal list, set or map, or a local that is one: expanded into
 *   the blocks or values Terraform would produce, when every use of the iterator in them can be resolved.
 * Variables are not resolved: a default is only what applies when no one sets the variable, and `-var`, a tfvars
 * file or TF_VAR_<name> changes it at plan time, so "${var.x}" stays an expression the rules cannot judge (they say
 * so). What stays opaque is reported as an Unjudgeable shape (policies/rego/credex/rules/gate/cannot_judge.rego):
 * a module call (its resources are not in the document), a dynamic block or a for expression building blocks that
 * could not be expanded.
 */
import { COMMENT_KEY } from '../../contracts/waivers';
import { hclValue } from './hcl';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A part of the document the rules cannot see into, by the address it belongs to. */
export interface Unjudgeable {
  /** "module.net" for a module call, else the resource's address. */
  readonly address: string;
  readonly shape: 'module' | 'dynamic' | 'for-expression' | 'deferred' | 'incomplete-plan';
  /** What it is and why it stays opaque, for the finding's message. */
  readonly detail: string;
}

/** Names in scope while resolving: "local" (the locals), and the iterators of dynamic blocks and for expressions. */
type Scope = ReadonlyMap<string, unknown>;

const NOT_FOUND = Symbol('not found');
type Found = unknown | typeof NOT_FOUND;

/** Most elements one dynamic block or for expression may expand to (the expansion copies its body per element). */
const MAX_EXPANSION = 10_000;
/**
 * Most values (strings, numbers, list and object members) resolution may add to one document: locals that repeat
 * each other (a = [b, b], b = [c, c], ...) or nested expansions would otherwise grow exponentially. Past it,
 * references stay expressions (which the rules do not take for values).
 */
const MAX_ADDED_VALUES = 2_000_000;

/** The number of values in a JSON value, counting shared parts each time they occur (memoised per object). */
const sizes = new WeakMap<object, number>();
function sizeOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 1;
  const known = sizes.get(v);
  if (known !== undefined) return known;
  let n = 1;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += sizeOf(x);
  sizes.set(v, n);
  return n;
}
const MAX_DEPTH = 64;

/** `name.attr[0]["key"]` as its steps, or undefined for any other expression (a call, an operator, a splat). */
function traversal(expr: string): (string | number)[] | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\]|\["(?:[^"\\]|\\.)*"\])*)$/.exec(expr);
  if (!m) return undefined;
  const steps: (string | number)[] = [m[1]];
  for (const s of m[2].matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    steps.push(s[1] ?? (s[2] !== undefined ? Number(s[2]) : (JSON.parse(s[3]) as string)));
  }
  return steps;
}

/** The value a traversal names in scope; NOT_FOUND when it leads into an expression or to nothing. */
function lookup(steps: (string | number)[], scope: Scope): Found {
  if (!scope.has(steps[0] as string)) return NOT_FOUND;
  let value = scope.get(steps[0] as string);
  for (const step of steps.slice(1)) {
    if (Array.isArray(value) && typeof step === 'number' && step < value.length) value = value[step];
    else if (isObject(value) && typeof step === 'string' && Object.hasOwn(value, step)) value = value[step];
    else return NOT_FOUND;
  }
  return value === NOT_FOUND ? NOT_FOUND : value;
}

/** The `${...}` interpolations of a template string: [start, end) of each, end after its closing brace. */
function interpolations(s: string): [number, number][] | undefined {
  const out: [number, number][] = [];
  for (let i = s.indexOf('${'); i >= 0; i = s.indexOf('${', i)) {
    if (i > 0 && s[i - 1] === '$') {
      i += 2; // "$${" is a literal "${"
      continue;
    }
    let depth = 0;
    let j = i + 2;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '"') {
        for (j++; j < s.length && s[j] !== '"'; j++) if (s[j] === '\\') j++;
      } else if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (j >= s.length) return undefined; // unterminated: leave the string as it is
    out.push([i, j + 1]);
    i = j + 1;
  }
  return out;
}

/** The elements a for_each or for expression iterates: key and value of each (a list's keys are its indexes). */
function elements(collection: unknown, asSet: boolean): { key: unknown; value: unknown }[] | undefined {
  if (Array.isArray(collection)) {
    if (!asSet) return collection.map((value, key) => ({ key, value }));
    const seen = new Map<string, unknown>();
    for (const v of collection) if (!seen.has(JSON.stringify(v))) seen.set(JSON.stringify(v), v);
    return [...seen.values()].map((value) => ({ key: value, value }));
  }
  if (isObject(collection)) return Object.entries(collection).map(([key, value]) => ({ key, value }));
  return undefined;
}

/** Whether a value still mentions one of `names` inside an interpolation (an iterator use that was not resolved). */
function mentions(value: unknown, names: readonly string[]): boolean {
  if (typeof value === 'string') {
    if (!value.includes('${')) return false;
    return names.some((n) => new RegExp(`(^|[^A-Za-z0-9_.-])${n}(\\.|\\[|\\s|\\}|$)`).test(value));
  }
  if (Array.isArray(value)) return value.some((v) => mentions(v, names));
  if (isObject(value)) return Object.values(value).some((v) => mentions(v, names));
  return false;
}

export class ConfigResolver {
  private readonly locals: Json = {};
  private readonly resolvedLocals = new Map<string, Found>();
  private readonly inProgress = new Set<string>();
  private readonly scope: Map<string, unknown>;
  /** What resolution may still add to the document (MAX_ADDED_VALUES). */
  private budget = MAX_ADDED_VALUES;

  constructor(doc: Json) {
    const blocks = Array.isArray(doc.locals) ? doc.locals : [doc.locals];
    const seen = new Set<string>();
    for (const b of blocks) {
      if (!isObject(b)) continue;
      for (const [k, v] of Object.entries(b)) {
        if (seen.has(k))
          delete this.locals[k]; // declared twice: Terraform refuses it; the gate resolves neither
        else this.locals[k] = v;
        seen.add(k);
      }
    }
    // "local" names an object whose members resolve on first use (locals refer to one another).
    this.scope = new Map<string, unknown>([['local', this.locals]]);
  }

  /** A resource's values with locals, dynamic blocks and for expressions resolved, and what stayed opaque. */
  resolve(values: Json, address: string): { values: Json; unjudgeable: Unjudgeable[] } {
    const unjudgeable: Unjudgeable[] = [];
    const out = this.value(values, this.scope, 0) as Json;
    findOpaque(out, address, '', unjudgeable);
    return { values: out, unjudgeable };
  }

  /** `v` when the budget still covers its size (taken from the budget), else NOT_FOUND. */
  private spend(v: unknown): Found {
    const size = sizeOf(v);
    if (size > this.budget) return NOT_FOUND;
    this.budget -= size;
    return v;
  }

  private local(name: string): Found {
    if (this.resolvedLocals.has(name)) return this.resolvedLocals.get(name);
    if (!Object.hasOwn(this.locals, name) || this.inProgress.has(name)) return NOT_FOUND; // unknown, or a cycle
    this.inProgress.add(name);
    const value = this.value(this.locals[name], this.scope, 0);
    this.inProgress.delete(name);
    this.resolvedLocals.set(name, value);
    return value;
  }

  /** What an expression (the text inside "${...}") stands for in scope, or NOT_FOUND. */
  private expression(expr: string, scope: Scope, depth: number): Found {
    const text = expr.trim();
    const call = /^(toset|tolist)\(([\s\S]*)\)$/.exec(text);
    if (call) {
      const inner = this.expression(call[2], scope, depth);
      const items = Array.isArray(inner) ? elements(inner, call[1] === 'toset') : undefined;
      return items ? items.map((e) => e.value) : NOT_FOUND;
    }
    if (text.startsWith('[') && /^\[\s*for\s/.test(text)) return this.forExpression(text, scope, depth);
    const steps = traversal(text);
    if (!steps) return NOT_FOUND;
    if (steps[0] === 'local' && scope.get('local') === this.locals) {
      if (typeof steps[1] !== 'string') return NOT_FOUND;
      const local = this.local(steps[1]);
      const v = local === NOT_FOUND ? NOT_FOUND : lookup(['x', ...steps.slice(2)], new Map([['x', local]]));
      return v === NOT_FOUND ? v : this.spend(v);
    }
    return lookup(steps, scope);
  }

  /** `[for k, v in COLLECTION : BODY]` over a collection the gate can read, as the list it produces. */
  private forExpression(text: string, scope: Scope, depth: number): Found {
    const m =
      /^\[\s*for\s+(?:([A-Za-z_][A-Za-z0-9_-]*)\s*,\s*)?([A-Za-z_][A-Za-z0-9_-]*)\s+in\s+([^:]+?)\s*:\s*([\s\S]*)\]$/.exec(
        text,
      );
    if (!m) return NOT_FOUND;
    const [, keyName, valueName, collectionText, bodyText] = m;
    const collection = this.expression(collectionText, scope, depth + 1);
    const setCall = /^toset\(/.test(collectionText.trim());
    const items = collection === NOT_FOUND ? undefined : elements(collection, setCall);
    const body = hclValue(bodyText); // a trailing `if` clause makes this undefined: not evaluated
    if (!items || body === undefined || items.length > MAX_EXPANSION) return NOT_FOUND;
    const names = keyName ? [keyName, valueName] : [valueName];
    const out: unknown[] = [];
    for (const item of items) {
      const inner = new Map(scope);
      inner.set(valueName, item.value);
      if (keyName) inner.set(keyName, item.key);
      const v = this.value(body, inner, depth + 1);
      if (mentions(v, names) || this.spend(v) === NOT_FOUND) return NOT_FOUND;
      out.push(v);
    }
    return out;
  }

  /** A template string resolved: a whole interpolation becomes its value; inlined parts must be primitives. */
  private template(s: string, scope: Scope, depth: number): unknown {
    const parts = interpolations(s);
    if (!parts || parts.length === 0) return s;
    if (parts.length === 1 && parts[0][0] === 0 && parts[0][1] === s.length) {
      const v = this.expression(s.slice(2, -1), scope, depth);
      return v === NOT_FOUND ? s : v;
    }
    let out = '';
    let last = 0;
    for (const [start, end] of parts) {
      out += s.slice(last, start);
      const v = this.expression(s.slice(start + 2, end - 1), scope, depth);
      if (typeof v === 'string') out += v;
      else if (typeof v === 'number' || typeof v === 'boolean') out += String(v);
      else out += s.slice(start, end);
      last = end;
    }
    return out + s.slice(last);
  }

  private value(v: unknown, scope: Scope, depth: number): unknown {
    if (depth > MAX_DEPTH) return v;
    if (typeof v === 'string') return v.includes('${') ? this.template(v, scope, depth + 1) : v;
    if (Array.isArray(v)) return v.map((x) => this.value(x, scope, depth + 1));
    if (!isObject(v)) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'dynamic') out[k] = this.value(x, scope, depth + 1);
    if ('dynamic' in v) this.dynamic(v.dynamic, out, scope, depth + 1);
    return out;
  }

  /**
   * Expands `"dynamic": {"<block>": {"for_each", "iterator", "content"}}` into `out[<block>]`, after the block's
   * own literal blocks; a dynamic block that cannot be expanded stays under out.dynamic.
   */
  private dynamic(dynamic: unknown, out: Json, scope: Scope, depth: number): void {
    const kept: Json = {};
    for (const group of Array.isArray(dynamic) ? dynamic : [dynamic]) {
      if (!isObject(group)) {
        kept['(unreadable)'] = group;
        continue;
      }
      for (const [type, specs] of Object.entries(group)) {
        for (const spec of Array.isArray(specs) ? specs : [specs]) {
          const blocks = this.expandDynamic(spec, type, scope, depth);
          if (!blocks) {
            kept[type] = [...((kept[type] as unknown[] | undefined) ?? []), spec];
            continue;
          }
          const existing = out[type];
          out[type] = [...(Array.isArray(existing) ? existing : existing === undefined ? [] : [existing]), ...blocks];
        }
      }
    }
    if (Object.keys(kept).length > 0) out.dynamic = kept;
  }

  private expandDynamic(spec: unknown, type: string, scope: Scope, depth: number): unknown[] | undefined {
    if (!isObject(spec) || !isObject(spec.content)) return undefined;
    const iterator = typeof spec.iterator === 'string' ? spec.iterator : type;
    const forEach = this.value(spec.for_each, scope, depth);
    const setCall = typeof spec.for_each === 'string' && /^\$\{\s*toset\(/.test(spec.for_each);
    const items = elements(forEach, setCall);
    if (!items || items.length > MAX_EXPANSION) return undefined;
    const blocks: unknown[] = [];
    for (const item of items) {
      const inner = new Map(scope);
      inner.set(iterator, { key: item.key, value: item.value });
      const block = this.value(spec.content, inner, depth + 1);
      if (mentions(block, [iterator]) || this.spend(block) === NOT_FOUND) return undefined;
      blocks.push(block);
    }
    return blocks;
  }
}

/** A for expression that builds a list of objects: blocks the rules would read through `blocks()`. */
const BLOCK_FOR = /^\$\{\s*\[\s*for\s[^:]*:\s*\{/;

/** Records the dynamic blocks and block-building for expressions left in a resource's values. */
function findOpaque(v: unknown, address: string, path: string, out: Unjudgeable[]): void {
  if (typeof v === 'string') {
    if (BLOCK_FOR.test(v))
      out.push({
        address,
        shape: 'for-expression',
        detail: `${path || 'a value'} is built by a for expression over a collection the gate cannot read`,
      });
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => findOpaque(x, address, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'dynamic') {
      const types = isObject(x) ? Object.keys(x) : ['(unreadable)'];
      for (const type of types) {
        const spec = isObject(x) ? (Array.isArray(x[type]) ? (x[type] as unknown[])[0] : x[type]) : undefined;
        const forEach = isObject(spec) ? spec.for_each : undefined;
        out.push({
          address,
          shape: 'dynamic',
          detail:
            `${path ? `${path}.` : ''}dynamic "${type}" block` +
            (typeof forEach === 'string' ? ` (for_each ${forEach})` : '') +
            ' over a collection the gate cannot read, or with content it cannot resolve',
        });
      }
      continue;
    }
    findOpaque(x, address, path ? `${path}.${k}` : k, out);
  }
}

/** The module calls of a configuration (their resources are not in the document), with each call's `//` comment. */
export function moduleCalls(doc: Json): { shape: Unjudgeable; comment: unknown }[] {
  const out: { shape: Unjudgeable; comment: unknown }[] = [];
  for (const group of Array.isArray(doc.module) ? doc.module : [doc.module]) {
    if (!isObject(group)) continue;
    for (const [name, body] of Object.entries(group)) {
      const b = Array.isArray(body) ? body[0] : body;
      const source = isObject(b) && typeof b.source === 'string' ? ` (source ${b.source})` : '';
      out.push({
        shape: {
          address: `module.${name}`,
          shape: 'module',
          detail: `module "${name}"${source}: its resources are not in this document`,
        },
        comment: isObject(b) ? b[COMMENT_KEY] : undefined,
      });
    }
  }
  return out;
}
