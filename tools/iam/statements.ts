/** From grants to statements: drafts keyed by sid, resources and condition, merged into sorted, unique-Sid statements. */
import { Ctx, expandCondition } from './conditions';
import { Condition, PolicyStatement } from './types';

export interface Draft {
  sid: string;
  actions: Set<string>;
  resources: string[];
  condition?: Condition;
}

export function draftKey(d: { sid: string; resources: string[]; condition?: Condition }): string {
  return JSON.stringify([d.sid, d.resources, d.condition ?? null]);
}

export function addDraft(
  drafts: Map<string, Draft>,
  sid: string,
  actions: Iterable<string>,
  resources: string[],
  condition?: Condition,
): void {
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
export function finish(drafts: Map<string, Draft>, ctx?: Ctx): PolicyStatement[] {
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
  const list = [...byActions.values()].sort((a, b) =>
    a.sid === b.sid ? draftKey(a).localeCompare(draftKey(b)) : a.sid < b.sid ? -1 : 1,
  );
  const seen = new Map<string, number>();
  return list.map((d) => {
    const n = (seen.get(d.sid) ?? 0) + 1;
    seen.set(d.sid, n);
    const st: PolicyStatement = {
      Sid: n === 1 ? d.sid : `${d.sid}${n}`,
      Effect: 'Allow',
      Action: [...d.actions].sort(),
      Resource: d.resources,
    };
    const c = sortCondition(d.condition);
    if (c) st.Condition = c;
    return st;
  });
}
