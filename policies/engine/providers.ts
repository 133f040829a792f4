/**
 * Provider aliases and regions, for the rules that judge account-wide switches per region (EBS encryption by
 * default, the default EBS key, registry scanning, instance metadata defaults): a switch created under another
 * region's provider (`provider = aws.eu`) does nothing for the resources here.
 *
 * The normalised input carries `providers` (provider configuration key → region, e.g. {"aws": "af-south-1",
 * "aws.eu": "eu-west-1"}) only when a document has more than one AWS provider configuration, and a resource carries
 * `provider` only when it uses another configuration than the default "aws" (cdktf config keeps it in
 * values.provider already). A region that is an expression is left out: the rules then compare keys.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** cdktf config: `provider.aws` is a list of configurations, each with an optional alias and region. */
export function configProviders(doc: Json): Record<string, string> | undefined {
  const aws = isObject(doc.provider) ? doc.provider.aws : undefined;
  const list = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
  if (list.length < 2) return undefined;
  const out: Record<string, string> = {};
  for (const p of list) {
    if (!isObject(p)) continue;
    const key = typeof p.alias === 'string' && p.alias !== '' ? `aws.${p.alias}` : 'aws';
    if (typeof p.region === 'string' && !p.region.includes('${')) out[key] = p.region;
  }
  return out;
}

interface PlanProviders {
  /** Provider key → region, when the plan has more than one AWS provider configuration. */
  readonly regions?: Record<string, string>;
  /** Resource address (without instance keys) → the provider configuration it uses, when not the default. */
  readonly byResource: Map<string, string>;
}

/**
 * A plan: `configuration.provider_config` holds each configuration (key "aws", "aws.eu", or "module.m:aws" for a
 * module's own or inherited one, linked to the parent by `parent_key`), and each configured resource names its
 * configuration in `provider_config_key`. Inherited configurations resolve to the one they come from.
 */
export function planProviders(doc: Json): PlanProviders {
  const configuration = isObject(doc.configuration) ? doc.configuration : {};
  const configs = isObject(configuration.provider_config) ? configuration.provider_config : {};
  const awsKeys = Object.keys(configs).filter((k) => isObject(configs[k]) && (configs[k] as Json).name === 'aws');
  const resolve = (key: string): string => {
    let current = key;
    for (let i = 0; i < 64; i++) {
      const c = configs[current];
      const parent = isObject(c) ? c.parent_key : undefined;
      if (typeof parent !== 'string' || parent === current) return current;
      current = parent;
    }
    return current;
  };
  const byResource = new Map<string, string>();
  const walk = (mod: unknown, prefix: string, depth: number): void => {
    if (!isObject(mod) || depth > 64) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
      if (!isObject(r) || typeof r.address !== 'string' || typeof r.provider_config_key !== 'string') continue;
      const key = resolve(r.provider_config_key);
      if (key !== 'aws' && (key.startsWith('aws.') || key.includes(':aws'))) byResource.set(prefix + r.address, key);
    }
    if (isObject(mod.module_calls)) {
      for (const [name, call] of Object.entries(mod.module_calls)) {
        if (isObject(call)) walk(call.module, `${prefix}module.${name}.`, depth + 1);
      }
    }
  };
  walk(configuration.root_module, '', 0);
  const roots = new Set(awsKeys.map(resolve));
  if (roots.size < 2) return { byResource };
  const regions: Record<string, string> = {};
  for (const key of roots) {
    const c = configs[key];
    const expressions = isObject(c) && isObject(c.expressions) ? c.expressions : {};
    const region = isObject(expressions.region) ? expressions.region.constant_value : undefined;
    if (typeof region === 'string') regions[key] = region;
  }
  return { regions, byResource };
}
