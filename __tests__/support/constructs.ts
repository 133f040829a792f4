import { TerraformStack, Testing } from 'cdktf';
import { projectStack, TfJson } from './synth';

export type { TfJson };

/** An environment stack of the real app (main.ts, real config), from the shared cached synth (support/synth.ts). */
export function environment(name: 'staging' | 'production'): { json: TfJson } {
  return { json: projectStack(name) };
}

/** All resources of one type, as [logicalId, body] pairs. */
export function resources(json: TfJson, type: string): [string, Record<string, any>][] {
  return Object.entries(json.resource[type] ?? {}) as [string, Record<string, any>][];
}

/** The one resource of `type` whose logical id contains `idPart`. */
export function resource(json: TfJson, type: string, idPart: string): Record<string, any> {
  const found = resources(json, type).filter(([id]) => id.includes(idPart));
  if (found.length !== 1)
    throw new Error(`expected one ${type} matching "${idPart}", found ${found.map(([id]) => id).join(', ') || 'none'}`);
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
