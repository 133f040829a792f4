/**
 * What the synthesized stacks use that the local provider (5.100) does not know: found by walking every resource and
 * data source against `terraform providers schema -json`, and compared with the reviewed list below. The local copy
 * sets exactly the reviewed entries aside; a new 6.x-only attribute fails the schema-gap test until someone adds it
 * here, with its reason, on purpose.
 */
import type { ProvidersSchema, SchemaBlock } from './terraform';
import type { TerraformJson } from '../../lib/synth-output';

/** One attribute or block path the local provider lacks: `<type>.<attr>[.<nested>...]`, data sources `data.<type>...`. */
export interface SchemaGap {
  readonly path: string;
  /** Why the stacks use it and what setting it aside in the local copy loses. */
  readonly reason: string;
}

/** The reviewed list: every path the stacks use that hashicorp/aws 5.100.0 lacks (production applies 6.25.0). */
export const SCHEMA_GAPS: readonly SchemaGap[] = [
  {
    path: 'aws_ecs_service.deployment_configuration',
    reason:
      'ECS native blue/green (strategy, bake_time_in_minutes, lifecycle_hook) arrived in provider 6.x; the local copy deploys with the ECS default (rolling), so blue/green itself is never exercised here',
  },
  {
    path: 'aws_ecs_service.load_balancer.advanced_configuration',
    reason:
      "the blue/green target groups, listener rules and infrastructure role of ECS native blue/green (provider 6.x); without it the local copy's service uses the primary target group only",
  },
];

/** Keys of a resource or data block that are Terraform's meta-arguments, not provider attributes. */
const META = new Set(['//', 'count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

/**
 * Every path the stacks use that the provider's schema lacks, sorted, each once (across stacks). A resource or data
 * type the provider does not know at all is reported as its type. Types of other providers are skipped.
 */
export function findSchemaGaps(
  stacks: readonly TerraformJson[],
  schema: ProvidersSchema,
  providerSource = 'registry.terraform.io/hashicorp/aws',
): string[] {
  const provider = schema.provider_schemas[providerSource];
  if (!provider) throw new Error(`the schema holds no provider ${providerSource}`);
  const prefix = providerSource.split('/').pop()! + '_';
  const gaps = new Set<string>();
  for (const stack of stacks) {
    for (const [kind, blocks, schemas] of [
      ['', stack.resource, provider.resource_schemas],
      ['data.', stack.data, provider.data_source_schemas],
    ] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        if (!type.startsWith(prefix)) continue;
        const typeSchema = schemas?.[type];
        if (!typeSchema) {
          gaps.add(`${kind}${type}`);
          continue;
        }
        for (const body of Object.values(byName)) walk(body, typeSchema.block, `${kind}${type}`, gaps);
      }
    }
  }
  return [...gaps].sort();
}

function walk(body: unknown, block: SchemaBlock, at: string, gaps: Set<string>): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (META.has(key)) continue;
    if (key === 'dynamic') {
      // dynamic "<block>" { for_each, content { ... } }
      for (const [name, dyn] of Object.entries((value ?? {}) as Record<string, { content?: unknown }>)) {
        const nested = block.block_types?.[name];
        if (!nested) gaps.add(`${at}.${name}`);
        else for (const content of asList(dyn.content)) walk(content, nested.block, `${at}.${name}`, gaps);
      }
      continue;
    }
    const attribute = block.attributes?.[key];
    if (attribute) {
      if (attribute.nested_type)
        for (const item of asList(value))
          walk(item, { attributes: attribute.nested_type.attributes }, `${at}.${key}`, gaps);
      continue;
    }
    const nested = block.block_types?.[key];
    if (nested) {
      for (const item of asList(value)) walk(item, nested.block, `${at}.${key}`, gaps);
      continue;
    }
    gaps.add(`${at}.${key}`);
  }
}

/** A block given once (object) or repeated (list); an expression string is not walked. */
function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
