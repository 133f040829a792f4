import type { TerraformElement } from 'cdktf';

/** A waiver of one policy finding on one resource. */
export interface Waiver {
  /** The rule id, e.g. "CDX-SG-001" (see docs/policies.md). */
  readonly rule: string;
  /** Why the finding is acceptable here; required and reviewed like code. */
  readonly reason: string;
  /** Last day (YYYY-MM-DD, UTC) the waiver applies; after it the finding is reported again. @default - no expiry */
  readonly expires?: string;
}

/** Terraform ignores a block's `//` key; cdktf keeps construct metadata there, and waive() the waivers. */
export const COMMENT_KEY = '//';
/** The field under COMMENT_KEY that holds a resource's waivers (a list of Waiver). */
export const WAIVERS_FIELD = 'waivers';
/** A rule id as the gate names its rules: CDX-SG-001. */
export const RULE_ID_PATTERN = /^[A-Z]+-[A-Z0-9]+-\d+$/;

const recorded = new WeakMap<TerraformElement, Waiver[]>();

/**
 * Waives a policy finding on the resource (or data source) that causes it, next to the construct that creates
 * it. The waiver is written into the resource's own JSON under the `//` comment key, which Terraform ignores,
 * so `npm run policy-check` finds it next to the resource and lists it with its reason.
 * Throws when the rule id or the reason is empty, or the expiry is not a YYYY-MM-DD date.
 */
export function waive(resource: TerraformElement, waiver: Waiver): void {
  const where = `waive(${resource.node.path})`;
  if (!RULE_ID_PATTERN.test(waiver.rule ?? '')) throw new Error(`${where}: rule must be a rule id such as CDX-SG-001`);
  if (!waiver.reason || waiver.reason.trim() === '')
    throw new Error(`${where}: a waiver of ${waiver.rule} needs a reason`);
  if (waiver.expires !== undefined && !isIsoDate(waiver.expires))
    throw new Error(`${where}: expires must be a YYYY-MM-DD date`);
  const list = recorded.get(resource) ?? [];
  list.push({
    rule: waiver.rule,
    reason: waiver.reason.trim(),
    ...(waiver.expires ? { expires: waiver.expires } : {}),
  });
  recorded.set(resource, list);
  resource.addOverride(
    `${COMMENT_KEY}.${WAIVERS_FIELD}`,
    list.map((w) => ({ ...w })),
  );
}

/** A real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(value + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
