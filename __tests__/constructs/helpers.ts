import { App, TerraformStack, Testing } from 'cdktf';
import { environmentConfig, globalConfig } from '../../config';
import { EnvironmentStack } from '../../constructs/environment-stack';

/** Synthesized Terraform JSON of a stack, parsed. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform: Record<string, unknown>;
}

const cache = new Map<string, { stack: EnvironmentStack; json: TfJson }>();

/** The environment stack built from the real config, synthesized once per test file. */
export function environment(name: 'staging' | 'production'): { stack: EnvironmentStack; json: TfJson } {
  const hit = cache.get(name);
  if (hit) return hit;
  const app: App = Testing.app();
  const stack = new EnvironmentStack(app, name, {
    env: environmentConfig(name),
    global: globalConfig,
    amiBuildScriptHash: 'a'.repeat(64),
  });
  const json = JSON.parse(Testing.synth(stack, true)) as TfJson;
  const entry = { stack, json };
  cache.set(name, entry);
  return entry;
}

/** All resources of one type, as [logicalId, body] pairs. */
export function resources(json: TfJson, type: string): [string, Record<string, any>][] {
  return Object.entries(json.resource[type] ?? {}) as [string, Record<string, any>][];
}

/** The one resource of `type` whose logical id contains `idPart`. */
export function resource(json: TfJson, type: string, idPart: string): Record<string, any> {
  const found = resources(json, type).filter(([id]) => id.includes(idPart));
  if (found.length !== 1) throw new Error(`expected one ${type} matching "${idPart}", found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0][1];
}

/** `${aws_x.logical_id.attr}` → logical_id. */
export function refId(reference: string): string {
  const match = /^\$\{[a-z0-9_]+\.([^.}]+)\./.exec(reference);
  if (!match) throw new Error(`not a single resource reference: ${reference}`);
  return match[1];
}

/** The policy document data source a `${data.aws_iam_policy_document.x.json}` reference points at. */
export function policyStatements(json: TfJson, reference: string): Record<string, any>[] {
  const id = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(reference)?.[1];
  if (!id) throw new Error(`not a policy document reference: ${reference}`);
  return (json.data?.aws_iam_policy_document?.[id] as any).statement;
}

/** An empty stack to build a single construct in (for prop validation tests). */
export function emptyStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}
