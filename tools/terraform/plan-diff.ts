/**
 * What a plan would change, attribute by attribute (`terraform show -json <plan>`), and which of it a reviewed list
 * of known emulator artefacts explains: the second plan after an apply must change nothing, and whatever it would
 * change is either a defect of the stack or an answer the emulator leaves out (recorded with its evidence).
 */
import { isDeepStrictEqual } from 'node:util';
import type { TerraformJson } from '../../lib/synth-output';

export interface ResourceDiff {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Terraform's actions: ['update'], ['delete', 'create'], ... */
  readonly actions: readonly string[];
  /** Top-level arguments whose value would change (every argument for a create, delete or replace). */
  readonly attributes: readonly string[];
}

/** A perpetual diff the emulator causes, not the stack: the argument is not kept or not returned by it. */
export interface PlanArtefact {
  readonly type: string;
  readonly attribute: string;
  /** Applies only to resources whose configuration sets this argument. @default - every resource of the type */
  readonly onlyWith?: string;
  /** What the emulator answers, with the evidence. */
  readonly reason: string;
}

interface Change {
  actions: string[];
  before: unknown;
  after: unknown;
  after_unknown?: unknown;
}

interface PlanJson {
  resource_changes?: { address: string; type: string; name: string; mode?: string; change: Change }[];
}

/** Every managed resource the plan would change (no-op and read actions left out). */
export function planDiffs(plan: unknown): ResourceDiff[] {
  const changes = (plan as PlanJson).resource_changes ?? [];
  return changes
    .filter((c) => c.mode !== 'data' && !c.change.actions.every((a) => a === 'no-op' || a === 'read'))
    .map((c) => ({
      address: c.address,
      type: c.type,
      name: c.name,
      actions: c.change.actions,
      attributes: changedAttributes(c.change),
    }));
}

function changedAttributes(change: Change): string[] {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((k) => hasUnknown(unknown[k]) || !isDeepStrictEqual(normalise(before[k]), normalise(after[k])))
    .sort();
}

function hasUnknown(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(hasUnknown);
  return false;
}

/** null, [] and {} all mean "not set" to Terraform's diff. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

export interface Explained {
  /** Diffs (with the attributes no artefact explains) that remain: defects to fix. */
  readonly unexplained: readonly ResourceDiff[];
  /** The artefacts that explained at least one attribute. */
  readonly seen: readonly PlanArtefact[];
}

/** Splits the diffs into what the artefacts explain (in-place updates of listed attributes only) and the rest. */
export function explainDiffs(
  diffs: readonly ResourceDiff[],
  artefacts: readonly PlanArtefact[],
  config: TerraformJson,
): Explained {
  const seen = new Set<PlanArtefact>();
  const unexplained: ResourceDiff[] = [];
  for (const diff of diffs) {
    if (diff.actions.length !== 1 || diff.actions[0] !== 'update') {
      unexplained.push(diff);
      continue;
    }
    const body = (config.resource?.[diff.type]?.[diff.name] ?? {}) as Record<string, unknown>;
    const left = diff.attributes.filter((attribute) => {
      const artefact = artefacts.find(
        (a) =>
          a.type === diff.type &&
          a.attribute === attribute &&
          (a.onlyWith === undefined || body[a.onlyWith] !== undefined),
      );
      if (artefact) seen.add(artefact);
      return !artefact;
    });
    if (left.length > 0) unexplained.push({ ...diff, attributes: left });
  }
  return { unexplained, seen: artefacts.filter((a) => seen.has(a)) };
}
