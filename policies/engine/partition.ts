/**
 * Splits a large normalised document into chunks the wasm policy judges one at a time, so evaluation stays linear:
 * the OPA wasm runtime's allocator and hashing get slower as its heap grows (10,000 resources in one evaluation
 * took 11 s, ten evaluations of 1,000 took 1.2 s).
 *
 * The rules relate resources only through what one resource's values say about another: a "${addr.attr}" reference
 * (cdktf; in a plan, at any module depth: "${module.net.aws_vpc.main.id}"), a resolved id, ARN or name (plan), or an ARN ending in a name (permissions boundaries). Resources linked
 * that way, directly or through others, form a component and always share a chunk; components are packed into
 * chunks of at most `maxResources`. Resources of the context types go into every chunk, and findings repeated across
 * chunks are merged by the caller. The context types are those the rules declare in their METADATA
 * (`custom.context_types`: the types a rule reads across the whole document, such as EBS encryption by default);
 * `npm run build:policies` fails a rule that reads a type document-wide without declaring it
 * (policies/build/context-reads.ts), and the engine takes the list from the bundle metadata (contextTypes()), so
 * no list is kept here by hand. A test checks on every synthesized stack and on generated plans that chunked and
 * whole evaluation find the same.
 */
import { PolicyInput, PolicyResource } from './normalise';
import { withoutKeys } from './plan-references';

/** Chunk size: large enough that per-evaluation overhead is small, small enough for a small wasm heap. */
export const DEFAULT_CHUNK = 500;

/** A reference's target address: module steps (with instance keys), then a resource or data source (lib.rego). */
const REF =
  /\$\{((?:module\.[A-Za-z0-9_-]+(?:\[(?:"[^"]*"|[0-9]+)\])?\.)*(?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[(?:"[^"]*"|[0-9]+)\])?)/g;

class DisjointSets {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const next = this.parent[i];
      this.parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Every string inside a value, including those inside JSON held in strings (policies, container definitions). */
function eachString(value: unknown, visit: (s: string) => void, depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    visit(value);
    const first = value.trimStart()[0];
    if ((first === '{' || first === '[') && value.length < 4_000_000) {
      try {
        eachString(JSON.parse(value), visit, depth + 1);
      } catch {
        // not JSON: judged as a plain string above
      }
    }
  } else if (Array.isArray(value)) {
    for (const v of value) eachString(v, visit, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) eachString(v, visit, depth + 1);
  }
}

/**
 * The chunks of a document; one chunk (the input itself) when it is small. `contextTypes` go into every chunk
 * (contextTypes(bundle metadata) in the gate).
 */
export function partition(
  input: PolicyInput,
  contextTypes: ReadonlySet<string>,
  maxResources = DEFAULT_CHUNK,
): PolicyInput[] {
  const entries = Object.entries(input.resources);
  if (entries.length <= maxResources) return [input];
  const index = new Map<string, number>();
  const identity = (key: unknown, i: number) => {
    // An expression (a value unknown until apply) is not an identity: many resources share "${(known after apply)}".
    if (typeof key !== 'string' || key.length < 3 || key.includes('${')) return;
    const known = index.get(key);
    if (known === undefined) index.set(key, i);
    else sets.union(known, i);
  };
  const sets = new DisjointSets(entries.length);
  entries.forEach(([address, r], i) => {
    identity(address, i);
    // A reference without instance keys names every instance (and one with keys names a cdktf body): the
    // instances of a resource share a chunk under the address without keys.
    if (address.endsWith(']')) identity(withoutKeys(address), i);
    for (const k of ['id', 'arn', 'name']) identity(r.values?.[k], i);
  });
  entries.forEach(([, r], i) => {
    eachString(r.values, (s) => {
      if (s.includes('${')) {
        for (const m of s.matchAll(REF)) {
          const j = index.get(m[1]) ?? index.get(withoutKeys(m[1]));
          if (j !== undefined) sets.union(i, j);
        }
        return;
      }
      const j = index.get(s);
      if (j !== undefined) sets.union(i, j);
      const tail = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf(':')) + 1);
      if (tail !== s) {
        const t = index.get(tail);
        if (t !== undefined) sets.union(i, t);
      }
    });
  });
  const context: [string, PolicyResource][] = [];
  const components = new Map<number, [string, PolicyResource][]>();
  entries.forEach((entry, i) => {
    if (contextTypes.has(entry[1].type)) {
      context.push(entry);
      return;
    }
    const root = sets.find(i);
    const list = components.get(root);
    if (list) list.push(entry);
    else components.set(root, [entry]);
  });
  const chunks: [string, PolicyResource][][] = [];
  let current: [string, PolicyResource][] = [];
  for (const component of components.values()) {
    if (current.length > 0 && current.length + component.length > maxResources) {
      chunks.push(current);
      current = [];
    }
    current.push(...component);
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks.map((chunk) => ({ ...input, resources: Object.fromEntries([...context, ...chunk]) }));
}
