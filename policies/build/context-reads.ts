/**
 * The build's check that no rule judges a partial view of a chunked document (policies/engine/partition.ts).
 *
 * A chunk holds whole components of linked resources plus the types rules declare in `custom.context_types`. A
 * rule that enumerates resources of a type T (`lib.resources("T")`, `lib.data_sources("T")`, directly or in any
 * helper it calls) sees only the chunk's T unless it either
 * - enumerates T as its subject: `some addr, r in lib.resources("T")` in the rule's own body (a comprehension
 *   there included: the analysis does not follow addr into the finding), or a helper that returns something per
 *   enumerated address, or
 * - links each enumerated T to what it is judging, in the same body: the enumerated address or resource appears in
 *   an expression that calls a linking helper (`named_by`, `refers_to`, `ref_keys`: the links the partitioner
 *   follows), or
 * - declares T in its METADATA under `custom.context_types` (T then goes into every chunk).
 * Anything else ("some T anywhere excuses this", "the stack has no T", `count(lib.resources("T"))`) is a
 * document-wide read, and the build fails until the rule declares it. The analysis reads `opa parse` ASTs; it is
 * conservative where it cannot see a link (a join by an attribute compared by hand is a document-wide read), and
 * types passed as variables are resolved from a literal list in the same body (`some type in ["a", "b"]`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { policyPaths } from '../engine/paths';

/** Helpers whose call links the values passed to it the way the partitioner does. */
const LINKING_PRIMITIVES = ['credex.lib.named_by', 'credex.lib.refers_to', 'credex.lib.ref_keys'];
/** The by-type readers of lib.rego. */
const READERS = new Set(['credex.lib.resources', 'credex.lib.data_sources']);

type Node = unknown;
interface Term {
  type: string;
  value: unknown;
}
interface Expr {
  terms: Term | Term[];
}
interface AstRule {
  head: { name?: string; ref?: Term[]; args?: Term[]; key?: Term; value?: Term };
  body: Expr[];
  else?: AstRule;
}
export interface AstModule {
  package: { path: Term[] };
  imports?: { path: Term; alias?: string }[];
  rules?: AstRule[];
}

/** One body of a rule or function, with what the analysis needs from it. */
interface Body {
  /** Full name of the rule or function it defines ("credex.lib.encrypted_by_default"). */
  readonly owner: string;
  /** Names of the rules and functions it refers to. */
  readonly calls: Set<string>;
  /**
   * Each by-type read: its types, the variables that tie it to something (those an enumeration binds, or the key
   * of a lookup `lib.resources("T")[k]`), and whether it is a per-resource enumeration (`some addr, r in`, with
   * addr in the rule's head or, in a finding rule's own body, anywhere).
   */
  readonly enumerations: {
    types: string[];
    vars: string[];
    keyed: boolean;
    inHead: boolean;
    expr: number;
  }[];
  /** The expressions' indexes that call a linking helper, with the variables each mentions. */
  readonly exprVars: Set<string>[];
  readonly exprCalls: Set<string>[];
  /** The variables the head returns. */
  readonly headVars: Set<string>;
}

const isTerm = (n: Node): n is Term => typeof n === 'object' && n !== null && 'type' in n && 'value' in n;

/** Visits every term under n; a visitor returning false skips the term's insides. */
function walk(n: Node, visit: (t: Term) => boolean | void): void {
  if (Array.isArray(n)) {
    for (const x of n) walk(x, visit);
  } else if (typeof n === 'object' && n !== null) {
    if (isTerm(n) && visit(n) === false) return;
    for (const v of Object.values(n)) walk(v, visit);
  }
}

/** The variables an expression mentions: not function names, rules, imports, input or data. */
function localVars(expr: Node, global: (name: string) => boolean): Set<string> {
  const vars = new Set<string>();
  const visit = (n: Node): void => {
    if (Array.isArray(n)) {
      n.forEach(visit);
      return;
    }
    if (typeof n !== 'object' || n === null) return;
    if ('terms' in n && Array.isArray((n as Expr).terms)) {
      // An expression in call form: its first term is the operator.
      (n as { terms: Term[] }).terms.slice(1).forEach(visit);
      for (const [k, v] of Object.entries(n)) if (k !== 'terms') visit(v);
      return;
    }
    if (!isTerm(n)) {
      Object.values(n).forEach(visit);
      return;
    }
    if (n.type === 'var') {
      const name = String(n.value);
      if (!name.startsWith('$') && name !== '_' && name !== 'input' && name !== 'data' && !global(name)) vars.add(name);
    } else if (n.type === 'call') {
      (n.value as Term[]).slice(1).forEach(visit);
    } else if (n.type === 'ref') {
      visit(n.value);
    } else {
      visit(n.value);
    }
  };
  visit(expr);
  return vars;
}

const refParts = (ref: Term[]): string[] =>
  ref.map((t) => (t.type === 'var' || t.type === 'string' ? String(t.value) : '\0'));

/** Every non-test .rego file under policies/rego. */
export function regoFiles(dir = policyPaths.regoDir()): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return regoFiles(full);
    return e.name.endsWith('.rego') && !e.name.endsWith('_test.rego') ? [full] : [];
  });
}

/** One .rego file's AST (`opa parse --format json`). */
export function parseRego(file: string): AstModule {
  return JSON.parse(
    execFileSync(policyPaths.opa(), ['parse', '--format', 'json', file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as AstModule;
}

/** Reads every module's rules into bodies with resolved names. */
export function analyseModules(modules: readonly AstModule[]): Body[] {
  const pkgOf = (m: AstModule) => refParts(m.package.path).slice(1).join('.');
  const ruleName = (pkg: string, r: AstRule) =>
    `${pkg}.${r.head.ref ? refParts(r.head.ref).filter((p) => p !== '\0')[0] : r.head.name}`;
  const known = new Set<string>();
  for (const m of modules) for (const r of m.rules ?? []) known.add(ruleName(pkgOf(m), r));

  const resolver = (m: AstModule) => {
    const pkg = pkgOf(m);
    const aliases = new Map<string, string>();
    for (const i of m.imports ?? []) {
      const parts = refParts(i.path.value as Term[]);
      if (parts[0] !== 'data') continue;
      aliases.set(i.alias ?? parts[parts.length - 1], parts.slice(1).join('.'));
    }
    const locals = new Set([...known].filter((k) => k.startsWith(pkg + '.')).map((k) => k.slice(pkg.length + 1)));
    /** The rule a reference names and how many parts follow its name (`lib.listeners[k]`: one). */
    const resolveWithRest = (ref: Term[]): { name: string; rest: number } | undefined => {
      const parts = refParts(ref);
      let full: string[];
      if (parts[0] === 'data') full = parts.slice(1);
      else if (aliases.has(parts[0])) full = [aliases.get(parts[0])!, ...parts.slice(1)];
      else if (locals.has(parts[0])) full = [pkg, ...parts];
      else return undefined;
      for (let n = full.length; n > 0; n--) {
        const name = full.slice(0, n).join('.');
        if (known.has(name)) return { name, rest: full.length - n };
      }
      return undefined;
    };
    return { aliases, locals, resolveWithRest, resolve: (ref: Term[]) => resolveWithRest(ref)?.name };
  };
  // Rules that stand for the resources of some types (`listeners := object.union(resources("aws_lb_listener"),
  // resources("aws_alb_listener"))`): reading one is reading those types.
  // A rule that keeps some of an alias's resources, keyed by their own address (`http_listeners := {addr: r |
  // some addr, r in listeners; ...}`), is an alias too: its consumers enumerate those types.
  const aliasTypes = new Map<string, string[]>();
  // Rules that are a string constant (`policy_document_type := "aws_iam_policy_document"`), for a type passed by name.
  const constants = new Map<string, string>();
  for (const m of modules) {
    for (const r of m.rules ?? []) {
      if (!r.head.args && r.head.value?.type === 'string')
        constants.set(ruleName(pkgOf(m), r), String(r.head.value.value));
    }
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const m of modules) {
      const { resolve, resolveWithRest } = resolver(m);
      for (const r of m.rules ?? []) {
        const name = ruleName(pkgOf(m), r);
        if (r.head.args || !r.head.value || aliasTypes.has(name)) continue;
        const readers = (t: Term | undefined): string[] | undefined => {
          if (t?.type === 'var' || t?.type === 'ref') {
            const target = resolveWithRest(t.type === 'var' ? [t] : (t.value as Term[]));
            return target?.rest === 0 ? aliasTypes.get(target.name) : undefined;
          }
          if (t?.type !== 'call') return undefined;
          const [fn, ...args] = t.value as Term[];
          if (READERS.has(resolve(fn.value as Term[]) ?? '') && args[0]?.type === 'string')
            return [String(args[0].value)];
          if (refParts(fn.value as Term[]).join('.') !== 'object.union') return undefined;
          const parts = args.map(readers);
          return parts.every((x) => x) ? (parts.flat() as string[]) : undefined;
        };
        let types = readers(r.head.value);
        const v = r.head.value;
        if (!types && (v.type === 'objectcomprehension' || v.type === 'setcomprehension')) {
          const c = v.value as { key?: Term; term?: Term; body: Expr[] };
          // `some k, v in x` parses to {"symbols": [internal.member_3(k, v, x)]}.
          const member = (c.body[0]?.terms as { symbols?: Term[] } | undefined)?.symbols?.[0];
          const call = member?.type === 'call' ? (member.value as Term[]) : [];
          const returned = c.key ?? c.term;
          if (
            call.length === 4 &&
            refParts(call[0].value as Term[]).join('.') === 'internal.member_3' &&
            call[1].type === 'var' &&
            returned?.type === 'var' &&
            returned.value === call[1].value
          ) {
            types = readers(call[3]);
          }
        }
        if (types) {
          aliasTypes.set(name, types);
          grew = true;
        }
      }
    }
  }
  const bodies: Body[] = [];
  for (const m of modules) {
    const pkg = pkgOf(m);
    const { aliases, locals, resolve, resolveWithRest } = resolver(m);
    /** The types a term reads by type: a reader call (with a literal or listed type) or an alias. */
    const readTypes = (t: Term | undefined, literals: Map<string, string[]>): string[] | undefined => {
      if (t?.type === 'ref' || t?.type === 'var') {
        const target = resolveWithRest(t.type === 'var' ? [t] : (t.value as Term[]));
        return target?.rest === 0 ? aliasTypes.get(target.name) : undefined;
      }
      if (t?.type !== 'call') return undefined;
      const [fn, typeArg] = t.value as Term[];
      if (!READERS.has(resolve(fn.value as Term[]) ?? '')) return undefined;
      if (typeArg?.type === 'string') return [String(typeArg.value)];
      const constant =
        typeArg?.type === 'ref' || typeArg?.type === 'var'
          ? constants.get(resolve(typeArg.type === 'var' ? [typeArg] : (typeArg.value as Term[])) ?? '')
          : undefined;
      if (constant !== undefined) return [constant];
      if (typeArg?.type === 'var') return literals.get(String(typeArg.value)) ?? [`<${String(typeArg.value)}>`];
      return ['<expression>'];
    };
    for (const top of m.rules ?? []) {
      const owner = ruleName(pkg, top);
      if (aliasTypes.has(owner)) continue;
      for (let r: AstRule | undefined = top; r; r = r.else) {
        const body: Body = {
          owner,
          calls: new Set(),
          enumerations: [],
          exprVars: [],
          exprCalls: [],
          headVars: new Set(),
        };
        // Literal lists bound in this body (`some type in ["a", "b"]`, `type := "a"`): what a variable type can be.
        const literals = new Map<string, string[]>();
        // The head's key and value are expressions too (a comprehension there has its own enumerations).
        const exprs: Node[] = [...r.body, r.head.key ?? null, r.head.value ?? null];
        // Variables the head returns (not those of a comprehension there: a comprehension filters the whole type).
        const headVars = body.headVars;
        walk([r.head.key, r.head.value, r.head.ref?.slice(1)], (t) => {
          if (t.type === 'var') headVars.add(String(t.value));
          return !t.type.endsWith('comprehension');
        });
        exprs.forEach((expr) => {
          walk(expr, (t) => {
            if (t.type !== 'call') return;
            const [fn, ...args] = t.value as Term[];
            const op = refParts(fn.value as Term[]).join('.');
            const v = args[args.length - 2];
            const list = args[args.length - 1];
            if ((op === 'internal.member_2' || op === 'internal.member_3') && v?.type === 'var' && list) {
              const strings = Array.isArray(list.value)
                ? (list.value as Term[]).filter((x) => x.type === 'string').map((x) => String(x.value))
                : [];
              if (strings.length > 0) literals.set(String(v.value), strings);
            }
          });
        });
        exprs.forEach((expr, index) => {
          const vars = localVars(expr, (name) => locals.has(name) || aliases.has(name));
          const calls = new Set<string>();
          walk(expr, (t) => {
            // A rule of the same package is named by a bare variable (`not account_trail`), others by a reference.
            const name = t.type === 'ref' ? resolve(t.value as Term[]) : t.type === 'var' ? resolve([t]) : undefined;
            if (name) calls.add(name);
            if (t.type !== 'call') return;
            const [fn, ...args] = t.value as Term[];
            const op = refParts(fn.value as Term[]).join('.');
            if (op !== 'internal.member_2' && op !== 'internal.member_3') return;
            const types = readTypes(args[args.length - 1], literals);
            if (!types) return;
            const named = (a: Term | undefined) =>
              a?.type === 'var' && !String(a.value).startsWith('$') ? [String(a.value)] : [];
            const keyed = op === 'internal.member_3' && named(args[0]).length === 1;
            const bound = [...named(keyed ? args[0] : undefined), ...named(args[args.length - 2])];
            body.enumerations.push({
              types,
              vars: bound,
              keyed,
              inHead: keyed && headVars.has(bound[0]),
              expr: index,
            });
          });
          // A lookup `lib.resources("T")[k]` or `lib.listeners[k]`: tied to whatever k is tied to.
          walk(expr, (t) => {
            if (t.type !== 'ref') return;
            const [head, ...rest] = t.value as Term[];
            let types = readTypes(head, literals);
            let keys = rest;
            if (!types) {
              const target = resolveWithRest(t.value as Term[]);
              if (!target || target.rest === 0 || !aliasTypes.has(target.name)) return;
              types = aliasTypes.get(target.name);
              keys = (t.value as Term[]).slice(-target.rest);
            }
            const vars = keys.filter((k) => k.type === 'var').map((k) => String(k.value));
            body.enumerations.push({ types: types!, vars, keyed: false, inHead: false, expr: index });
          });
          // A by-type read used other than by enumeration or lookup (count, comparison): a read of the whole type.
          walk(expr, (t) => {
            if (t.type !== 'call' && t.type !== 'ref') return;
            const types = readTypes(t, literals);
            if (types && !body.enumerations.some((e) => e.expr === index)) {
              body.enumerations.push({ types, vars: [], keyed: false, inHead: false, expr: index });
            }
          });
          for (const c of calls) body.calls.add(c);
          body.exprVars.push(vars);
          body.exprCalls.push(calls);
        });
        bodies.push(body);
      }
    }
  }
  return bodies;
}

/** Per finding rule ("<area>.<name>"), the types it reads document-wide, with the helper that reads each. */
export function documentWideReads(bodies: readonly Body[]): Map<string, Map<string, string>> {
  const byOwner = new Map<string, Body[]>();
  for (const b of bodies) byOwner.set(b.owner, [...(byOwner.get(b.owner) ?? []), b]);
  // Functions that link: the primitives and anything that calls one.
  const linking = new Set(LINKING_PRIMITIVES);
  for (let grew = true; grew;) {
    grew = false;
    for (const b of bodies) {
      if (!linking.has(b.owner) && [...b.calls].some((c) => linking.has(c))) {
        linking.add(b.owner);
        grew = true;
      }
    }
  }
  const unlinked = (b: Body, subjectsAllowed: boolean): string[] =>
    b.enumerations.flatMap((e) => {
      // Per resource: the address it binds is (or goes into) what the rule returns.
      const perResource =
        e.keyed &&
        (e.inHead || b.exprVars.some((vars) => vars.has(e.vars[0]) && [...vars].some((v) => b.headVars.has(v))));
      if (perResource || (subjectsAllowed && e.keyed)) return [];
      // Linked: an expression that calls a linking helper with what the read binds and something else.
      const linked =
        e.vars.length > 0 &&
        b.exprCalls.some(
          (calls, i) =>
            [...calls].some((c) => linking.has(c)) &&
            e.vars.some((v) => b.exprVars[i].has(v)) &&
            [...b.exprVars[i]].some((v) => !e.vars.includes(v)),
        );
      return linked ? [] : e.types;
    });
  const result = new Map<string, Map<string, string>>();
  for (const owner of byOwner.keys()) {
    const parts = owner.split('.');
    if (parts[0] !== 'credex' || parts[1] !== 'rules' || parts.length !== 4) continue;
    const reads = new Map<string, string>();
    const seen = new Set<string>();
    const visit = (name: string, own: boolean): void => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const b of byOwner.get(name) ?? []) {
        for (const t of unlinked(b, own)) if (!reads.has(t)) reads.set(t, name);
        for (const c of b.calls) visit(c, false);
      }
    };
    visit(owner, true);
    result.set(`${parts[2]}.${parts[3]}`, reads);
  }
  return result;
}

/** Parses policies/rego and returns every finding rule's document-wide reads. */
export function ruleDocumentReads(): Map<string, Map<string, string>> {
  return documentWideReads(analyseModules(regoFiles().map(parseRego)));
}
