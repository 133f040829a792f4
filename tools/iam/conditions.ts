/**
 * Templates and named conditions of the action map, filled per stack: {partition}, {region}, {account}, {env},
 * {project}, {stateBucket}, {repository}, {boundary}.
 */
import { Condition, ConditionKind } from './types';

/** The values templates are filled with. */
export interface TemplateValues {
  readonly project: string;
  readonly partition: string;
  readonly account: string;
  readonly stateBucket: string;
  readonly repository: string;
  /** Name of the permissions-boundary managed policy. */
  readonly boundaryName: string;
}

/** One stack being read: its environment and region, and the generator's options. */
export interface Ctx {
  readonly env: string;
  readonly region: string;
  readonly o: TemplateValues;
}

export function fill(template: string, ctx: Ctx, envValue = ctx.env): string {
  return template
    .replace(/\{partition\}/g, ctx.o.partition)
    .replace(/\{region\}/g, ctx.region)
    .replace(/\{account\}/g, ctx.o.account)
    .replace(/\{env\}/g, envValue)
    .replace(/\{project\}/g, ctx.o.project)
    .replace(/\{stateBucket\}/g, ctx.o.stateBucket)
    .replace(/\{repository\}/g, ctx.o.repository)
    .replace(/\{boundary\}/g, ctx.o.boundaryName);
}

function boundaryArn(ctx: Ctx): string {
  return `arn:${ctx.o.partition}:iam::${ctx.o.account}:policy/${ctx.o.boundaryName}`;
}

/** A named condition kind, or a condition block whose values are templates, for one stack. */
export function expandCondition(kind: ConditionKind | Condition | undefined, ctx: Ctx): Condition | undefined {
  if (kind === undefined) return undefined;
  const p = ctx.o.project;
  const e = ctx.env;
  switch (kind) {
    case 'request-tag':
      // The new resource gets this environment's tags; a resource that already exists in the request (a create
      // call that also names existing ones, or a tagging call) must already be this environment's.
      return {
        StringEquals: { 'aws:RequestTag/project': p, 'aws:RequestTag/environment': e },
        StringEqualsIfExists: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e },
      };
    case 'resource-tag':
      return { StringEquals: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e } };
    case 'boundary':
      return { StringEquals: { 'iam:PermissionsBoundary': boundaryArn(ctx) } };
    case 'boundary-and-request-tag':
      return {
        StringEquals: {
          'iam:PermissionsBoundary': boundaryArn(ctx),
          'aws:RequestTag/project': p,
          'aws:RequestTag/environment': e,
        },
      };
    case 'retag':
      return {
        StringEquals: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e },
        StringEqualsIfExists: { 'aws:RequestTag/project': p, 'aws:RequestTag/environment': e },
      };
    case 'role-tag':
      return {
        StringEqualsIfExists: {
          'aws:RequestTag/project': p,
          'aws:RequestTag/environment': e,
          'aws:ResourceTag/project': p,
          'aws:ResourceTag/environment': e,
        },
      };
    case 'untag':
      return {
        StringEquals: { 'aws:ResourceTag/project': p, 'aws:ResourceTag/environment': e },
        'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['project', 'environment'] },
      };
    default: {
      const out: Condition = {};
      for (const [op, keys] of Object.entries(kind)) {
        out[op] = {};
        for (const [k, v] of Object.entries(keys))
          out[op][k] = Array.isArray(v) ? v.map((x) => fill(x, ctx)) : fill(v, ctx);
      }
      return out;
    }
  }
}
