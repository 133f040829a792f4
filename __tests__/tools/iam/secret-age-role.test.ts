/**
 * The weekly secret-age check can run (issue 20, day 6): .github/workflows/secret-age.yml names no GitHub environment
 * (a schedule runs on the default branch, which the environments refuse) and assumes its own read-only role, which
 * trusts only this repository's default-branch jobs and may read the dates of the app secrets and nothing else. The
 * role's permissions are judged by the gate's effective-permissions evaluator on the synthesized estate; the deploy
 * role may make put-app-secret.sh's calls.
 */
import { globalConfig } from '../../../config';
import { githubBranchSubject } from '../../../constructs/github-branch-role';
import { appSecretName, GITHUB_SECRET_AGE_ROLE_NAME } from '../../../contracts/naming';
import { Call, estateInput, evaluateCalls } from '../../../tools/iam/effective';
import { projectStack } from '../../support/synth';
import { readWorkflow } from '../../support/workflows';
import { check } from '../../support/policy-fixtures';

const REGION = 'af-south-1';
const global = projectStack('global') as any;
const estate = estateInput([
  { name: 'staging', json: projectStack('staging') as unknown as Record<string, unknown> },
  { name: 'global', json: global as Record<string, unknown> },
]);
const account = estate.input.account;
const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${account}:secret:${name}-AbCdEf`;
const call = (role: string, action: string, secret: string): Call => ({
  id: `${action} ${secret}`,
  principal: { role },
  action,
  resource: { arn: secretArn(secret) },
});
const decide = async (role: string, calls: [string, string][]) =>
  Object.fromEntries(
    (
      await evaluateCalls(
        estate,
        calls.map(([a, s]) => call(role, a, s)),
      )
    ).map((d) => [d.id, d.allowed]),
  );

describe('the secret-age role (global stack)', () => {
  // the logical id in the stack's aws_iam_role map
  const [address, role] = Object.entries(global.resource.aws_iam_role).find(
    ([, r]: [string, any]) => r.name === GITHUB_SECRET_AGE_ROLE_NAME,
  ) as [string, any];

  test("trusts exactly this repository's default branch, audience sts.amazonaws.com", () => {
    expect(globalConfig.defaultBranch).toBe('main');
    const trust = String(role.assume_role_policy);
    expect(trust).toContain(
      `"token.actions.githubusercontent.com:sub" = "repo:Credex/credex-infra:ref:refs/heads/main"`,
    );
    expect(trust).toContain(`"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"`);
    expect(trust).not.toMatch(/environment:|StringLike|\*/);
    expect(role.path).toBe('/credex-deployers/');
    expect(() => githubBranchSubject('Credex/credex-infra', 'feature/*')).toThrow(/no wildcard/);
  });

  test('its one inline policy, and no managed policy attached', () => {
    const policies = Object.values(global.resource.aws_iam_role_policy ?? {}).filter((p: any) =>
      String(p.role).includes(address.replace('aws_iam_role.', '')),
    );
    expect(policies).toHaveLength(1);
    const attached = Object.values(global.resource.aws_iam_role_policy_attachment ?? {}).filter((p: any) =>
      String(p.role).includes(address.replace('aws_iam_role.', '')),
    );
    expect(attached).toEqual([]);
  });

  test('may read the dates of both app secrets and nothing else: no value, no other secret, no write', async () => {
    const roleAddress = estate.addresses.get('global/secret-age-role/role')!;
    expect(roleAddress).toBe(`aws_iam_role.${address}`);
    const allowed = await decide(roleAddress, [
      ['secretsmanager:DescribeSecret', appSecretName('staging')],
      ['secretsmanager:ListSecretVersionIds', appSecretName('staging')],
      ['secretsmanager:DescribeSecret', appSecretName('production')],
      ['secretsmanager:ListSecretVersionIds', appSecretName('production')],
      ['secretsmanager:GetSecretValue', appSecretName('production')],
      ['secretsmanager:GetSecretValue', appSecretName('staging')],
      ['secretsmanager:PutSecretValue', appSecretName('staging')],
      ['secretsmanager:UpdateSecretVersionStage', appSecretName('staging')],
      ['secretsmanager:DescribeSecret', 'credex/staging/neo4j/ledgerspace'],
      ['secretsmanager:DescribeSecret', 'credex-core/staging/neo4j'],
    ]);
    expect(allowed).toEqual({
      [`secretsmanager:DescribeSecret ${appSecretName('staging')}`]: true,
      [`secretsmanager:ListSecretVersionIds ${appSecretName('staging')}`]: true,
      [`secretsmanager:DescribeSecret ${appSecretName('production')}`]: true,
      [`secretsmanager:ListSecretVersionIds ${appSecretName('production')}`]: true,
      [`secretsmanager:GetSecretValue ${appSecretName('production')}`]: false,
      [`secretsmanager:GetSecretValue ${appSecretName('staging')}`]: false,
      [`secretsmanager:PutSecretValue ${appSecretName('staging')}`]: false,
      [`secretsmanager:UpdateSecretVersionStage ${appSecretName('staging')}`]: false,
      [`secretsmanager:DescribeSecret credex/staging/neo4j/ledgerspace`]: false,
      [`secretsmanager:DescribeSecret credex-core/staging/neo4j`]: false,
    });
  }, 120_000);

  test("the staging deploy role may make put-app-secret.sh's calls on its app secret", async () => {
    const deployRole = estate.addresses.get('global/github-oidc/role-staging')!;
    const secret = appSecretName('staging');
    const allowed = await decide(
      deployRole,
      ['DescribeSecret', 'PutSecretValue', 'UpdateSecretVersionStage', 'ListSecretVersionIds'].map((a) => [
        `secretsmanager:${a}`,
        secret,
      ]),
    );
    expect(Object.values(allowed)).toEqual([true, true, true, true]);
  }, 120_000);

  test('the gate: its branch subject is the one waived CDX-IAM-008 finding; the waiver names its reason', async () => {
    const report = await check(global, 'global');
    expect(report.findings.filter((f) => f.rule === 'CDX-IAM-008')).toEqual([]);
    const waived = report.waived.filter((f) => f.rule === 'CDX-IAM-008' && f.address.includes('secret-age-role'));
    expect(waived.map((f) => [f.address, f.message])).toEqual([
      [
        `aws_iam_role.${address}`,
        expect.stringContaining('repo:Credex/credex-infra:ref:refs/heads/main", a branch or tag ref'),
      ],
    ]);
    expect(waived[0].waivedBy?.reason).toMatch(/only reads the dates of the app secrets/);
  }, 120_000);
});

describe('.github/workflows/secret-age.yml', () => {
  const wf = readWorkflow('secret-age.yml');
  const job = wf.jobs.age as any;

  test('weekly on a schedule (which runs on the default branch) and by hand', () => {
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \d$/) }]);
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  test('names no GitHub environment, runs only on the default branch, with an OIDC token', () => {
    expect(job.environment).toBeUndefined();
    expect(job.if).toBe('github.ref_name == github.event.repository.default_branch');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job.strategy.matrix.environment).toEqual(['staging', 'production']);
  });

  test('assumes the secret-age role, never a deploy role or access keys', () => {
    const credentials = job.steps.filter((s: any) =>
      String(s.uses).startsWith('aws-actions/configure-aws-credentials'),
    );
    expect(credentials).toHaveLength(1);
    expect(credentials[0].with['role-to-assume']).toBe('${{ vars.AWS_SECRET_AGE_ROLE_ARN }}');
    const text = JSON.stringify(job);
    expect(text).not.toMatch(/AWS_DEPLOY_ROLE_ARN|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
    expect(job.steps.at(-1).run).toContain('--only secret-age');
  });
});
