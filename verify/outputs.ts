/**
 * Step 1, outputs: reads the stack's outputs from a cdktf outputs file (`cdktf deploy <stack> --outputs-file FILE`:
 * `{"<stack>": {"<output>": value}}`, possibly nested by construct) or from `terraform output -json`
 * (`{"<output>": {"value": v, "type": t, "sensitive": b}}`).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { STACK_OUTPUTS } from '../contracts/outputs';
import { repoRoot } from '../lib/paths';
import { InputError, StepFailure } from './errors';
import type { StackOutputs, StepName } from './types';

/** Where `npm run deploy-and-verify` writes the outputs and where verify looks without --outputs. */
export function defaultOutputsPath(stack: string): string {
  return path.join(repoRoot(), 'cdktf.out', 'outputs', `${stack}.json`);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `terraform output -json`: every entry is {value, type|sensitive}. */
function isTerraformFormat(doc: Record<string, Json>): boolean {
  const values = Object.values(doc);
  return values.length > 0 && values.every((v) => isObject(v) && 'value' in v && ('type' in v || 'sensitive' in v));
}

/** Finds `name` at the top of `obj`, else depth-first in nested objects (cdktf nests outputs by construct path). */
function findOutput(obj: Record<string, Json>, name: string, depth = 0): Json | undefined {
  if (name in obj && !isObject(obj[name])) return obj[name];
  if (depth > 6) return undefined;
  for (const value of Object.values(obj)) {
    if (isObject(value)) {
      const found = findOutput(value, name, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The flat map of output name -> value of `stack` in a parsed outputs document (either format). */
export function flattenOutputs(doc: unknown, stack: string | undefined, source: string): Record<string, Json> {
  if (!isObject(doc)) throw new InputError(`outputs file ${source} is not a JSON object`);
  if (isTerraformFormat(doc)) {
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, (v as Record<string, Json>).value]));
  }
  if (stack && isObject(doc[stack])) return doc[stack] as Record<string, Json>;
  const stacks = Object.entries(doc).filter(([, v]) => isObject(v));
  if (!stack && stacks.length === 1) return stacks[0][1] as Record<string, Json>;
  if (stack && stacks.length > 0 && !Object.values(STACK_OUTPUTS).some((name) => name in doc)) {
    throw new InputError(
      `outputs file ${source} has no stack "${stack}" (it has: ${stacks.map(([k]) => k).join(', ')})`,
    );
  }
  return doc; // already flat
}

/** Reads the outputs verify uses from a parsed document. */
export function parseOutputs(doc: unknown, stack: string | undefined, source: string): StackOutputs {
  const flat = flattenOutputs(doc, stack, source);
  const get = (name: string): string | undefined => {
    const v = findOutput(flat, name);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  return {
    source,
    region: get(STACK_OUTPUTS.region),
    clusterName: get(STACK_OUTPUTS.clusterName),
    serviceName: get(STACK_OUTPUTS.serviceName),
    taskDefinitionArn: get(STACK_OUTPUTS.taskDefinitionArn),
    image: get(STACK_OUTPUTS.image),
    targetGroupArn: get(STACK_OUTPUTS.targetGroupArn),
    loadBalancerDns: get(STACK_OUTPUTS.loadBalancerDns),
    apiUrl: get(STACK_OUTPUTS.apiUrl),
    healthPath: get(STACK_OUTPUTS.healthPath),
    appSecretArn: get(STACK_OUTPUTS.appSecretArn),
    neo4jSecretArn: get(STACK_OUTPUTS.neo4jSecretArn),
  };
}

/** Reads and parses an outputs file; a missing or malformed file is a configuration error (exit 2). */
export function readOutputsFile(file: string, stack: string | undefined): StackOutputs {
  if (!existsSync(file)) {
    throw new InputError(
      `outputs file not found: ${file} (write it with "cdktf deploy <stack> --outputs-file ${file}" or "terraform output -json > ${file}", or pass --outputs FILE)`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`outputs file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseOutputs(doc, stack, file);
}

/** The outputs each step reads, by field of StackOutputs. */
export const OUTPUTS_NEEDED: Partial<Record<StepName, readonly (keyof StackOutputs)[]>> = {
  'ecs-stable': ['clusterName', 'serviceName'],
  'target-health': ['targetGroupArn'],
  neo4j: ['neo4jSecretArn'],
};

const OUTPUT_NAME: Record<string, string> = {
  clusterName: STACK_OUTPUTS.clusterName,
  serviceName: STACK_OUTPUTS.serviceName,
  targetGroupArn: STACK_OUTPUTS.targetGroupArn,
  neo4jSecretArn: STACK_OUTPUTS.neo4jSecretArn,
  apiUrl: STACK_OUTPUTS.apiUrl,
  loadBalancerDns: STACK_OUTPUTS.loadBalancerDns,
};

/** Throws a `missing` StepFailure naming the Terraform outputs `step` needs that are absent. */
export function requireOutputs(outputs: StackOutputs, step: StepName, fields: readonly (keyof StackOutputs)[]): void {
  const absent = fields.filter((f) => !outputs[f]);
  if (absent.length > 0) {
    throw new StepFailure({
      kind: 'missing',
      detail: `${step} needs output(s) ${absent.map((f) => OUTPUT_NAME[f] ?? f).join(', ')} absent from ${outputs.source}`,
    });
  }
}

/** The outputs step: every output the selected steps need is present. */
export function checkOutputs(
  outputs: StackOutputs,
  selected: readonly StepName[],
): { message: string; figures: Record<string, number | string> } {
  const needed = new Set<keyof StackOutputs>();
  for (const step of selected) for (const f of OUTPUTS_NEEDED[step] ?? []) needed.add(f);
  const absent = [...needed].filter((f) => !outputs[f]);
  const present = Object.entries(outputs).filter(([k, v]) => k !== 'source' && v !== undefined).length;
  if (absent.length > 0) {
    throw new StepFailure({
      kind: 'missing',
      detail: `output(s) ${absent.map((f) => OUTPUT_NAME[f] ?? f).join(', ')} absent from ${outputs.source}`,
      figures: { present },
    });
  }
  const relative = path.relative(process.cwd(), outputs.source);
  const shown = relative && !relative.startsWith('..') ? relative : outputs.source;
  return { message: `${present} outputs read from ${shown}`, figures: { present } };
}
