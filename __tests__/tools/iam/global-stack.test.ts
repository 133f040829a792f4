/**
 * The `global` stack deploys the generated set: the boundary, the deployer users and groups, the group policies,
 * and the GitHub OIDC provider with one role per environment, trusted only by jobs of this repository that run in
 * that GitHub environment (never by branch), with sessions as long as the deploy job's worst case.
 */
import { App, Testing } from 'cdktf';
import { globalConfig } from '../../../config';
import { GithubOidc, githubEnvironmentSubject } from '../../../constructs/github-oidc';
import { DEPLOY_ROLE_MAX_SESSION_SECONDS } from '../../../config/deploy-budget';
import { GlobalStack } from '../../../constructs/global-stack';
import { parseDeployerPolicySet } from '../../../contracts/deployer-policies';
import committed from '../../../generated/deployer-policies.json';

const committedDeployerPolicies = parseDeployerPolicySet(committed);

type Json = Record<string, Record<string, Record<string, any>>>;

function synth(): Json {
  const app: App = Testing.app();
  const stack = new GlobalStack(app, 'global', { global: globalConfig, deployerPolicies: committedDeployerPolicies });
  return JSON.parse(Testing.synth(stack, true)).resource as Json;
}

const values = (r: Json, type: string) => Object.values(r[type] ?? {});
const byName = (r: Json, type: string, name: string) => {
  const found = values(r, type).filter((x) => x.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
};
/** The logical id of a resource, for references. */
const idOf = (r: Json, type: string, name: string) => Object.entries(r[type]).find(([, x]) => x.name === name)![0];

describe('global stack', () => {
  const r = synth();

  it('takes the committed set only in its schema: a broken set fails synth with one line', () => {
    expect(parseDeployerPolicySet(committed).policies.length).toBeGreaterThanOrEqual(5);
    expect(() => parseDeployerPolicySet({ ...committed, policies: [] })).toThrow(
      'deployer policy set: no policies; run npm run iam:policy and commit generated/deployer-policies.json',
    );
    const [first, ...rest] = committed.policies;
    expect(() =>
      parseDeployerPolicySet({ ...committed, policies: [{ ...first, audience: 'everyone' }, ...rest] }),
    ).toThrow('a known audience');
    expect(() => parseDeployerPolicySet({ ...committed, policies: [{ ...first, document: {} }, ...rest] })).toThrow(
      `${first.name} has no policy document`,
    );
  });

  it("deploys every managed policy with at least 512 characters of headroom under IAM's 6,144 (issue 17, item l)", () => {
    // What IAM counts: the rendered document without whitespace, the account id (a 12-digit token at apply) in
    // place of the caller-identity reference, and Terraform's $${ escapes as the ${ IAM receives.
    const deployed = values(r, 'aws_iam_policy').map((p) => ({
      name: p.name as string,
      size: String(p.policy)
        .split('${data.aws_caller_identity.account.account_id}')
        .join('123456789012')
        .split('$${')
        .join('${').length,
    }));
    expect(deployed.length).toBe(committedDeployerPolicies.policies.length);
    for (const p of deployed) expect({ [p.name]: 6144 - p.size >= 512 }).toEqual({ [p.name]: true });
  });

  it('keeps the ECR repository', () => {
    expect(byName(r, 'aws_ecr_repository', 'credex-core')).toBeDefined();
  });

  it('has the two deployer users, in the shared group and their environment group, with no policy of their own', () => {
    for (const env of ['staging', 'production']) {
      const user = byName(r, 'aws_iam_user', `credex-core-${env}-deployment`);
      expect(user.path).toBe('/credex-deployers/');
      const membership = values(r, 'aws_iam_user_group_membership').find((m) =>
        m.user.includes(idOf(r, 'aws_iam_user', `credex-core-${env}-deployment`)),
      )!;
      expect(membership.groups).toEqual([
        `\${aws_iam_group.${idOf(r, 'aws_iam_group', 'credex-core-deployment')}.name}`,
        `\${aws_iam_group.${idOf(r, 'aws_iam_group', `credex-core-${env}-deployment`)}.name}`,
      ]);
    }
    expect(r.aws_iam_user_policy).toBeUndefined();
    expect(r.aws_iam_user_policy_attachment).toBeUndefined();
    expect(r.aws_iam_access_key).toBeUndefined();
  });

  it('attaches credex-core-permissions to the group credex-core-deployment, and each environment policy only to its group', () => {
    const attached = (group: string) =>
      values(r, 'aws_iam_group_policy_attachment')
        .filter((a) => a.group === `\${aws_iam_group.${idOf(r, 'aws_iam_group', group)}.name}`)
        .map(
          (a) =>
            Object.entries(r.aws_iam_policy).find(([id]) => a.policy_arn === `\${aws_iam_policy.${id}.arn}`)![1].name,
        )
        .sort();
    expect(attached('credex-core-deployment')).toEqual(
      committedDeployerPolicies.policies
        .filter((p) => p.audience === 'shared')
        .map((p) => p.name)
        .sort(),
    );
    expect(attached('credex-core-deployment')).toContain('credex-core-permissions');
    for (const env of ['staging', 'production']) {
      const names = attached(`credex-core-${env}-deployment`);
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n.startsWith(`credex-core-${env}-permissions`))).toBe(true);
    }
  });

  it('deploys the generated documents, with the real account and escaped IAM variables', () => {
    const shared = byName(r, 'aws_iam_policy', 'credex-core-permissions');
    const generated = committedDeployerPolicies.policies.find((p) => p.name === 'credex-core-permissions')!;
    const policy: string = shared.policy;
    expect(policy).not.toContain('${aws:PrincipalAccount}');
    expect(policy).toContain('${data.aws_caller_identity.');
    const asGenerated = JSON.parse(
      policy.replace(/\$\{data\.aws_caller_identity\.[A-Za-z0-9_]+\.account_id\}/g, '${aws:PrincipalAccount}'),
    );
    expect(asGenerated).toEqual(generated.document);
    const boundary = byName(r, 'aws_iam_policy', 'credex-permissions-boundary');
    expect(boundary.policy).toContain('$${aws:PrincipalTag/environment}');
    expect(boundary.policy).not.toMatch(/[^$]\$\{aws:/);
  });

  it('trusts GitHub OIDC only for jobs of this repository in the GitHub environment, never by branch', () => {
    const provider = values(r, 'aws_iam_openid_connect_provider');
    expect(provider).toHaveLength(1);
    expect(provider[0].url).toBe('https://token.actions.githubusercontent.com');
    expect(provider[0].client_id_list).toEqual(['sts.amazonaws.com']);
    for (const env of ['staging', 'production']) {
      const role = byName(r, 'aws_iam_role', `credex-github-deploy-${env}`);
      expect(role.path).toBe('/credex-deployers/');
      expect(role.max_session_duration).toBe(DEPLOY_ROLE_MAX_SESSION_SECONDS);
      const trust: string = role.assume_role_policy;
      expect(trust).toContain('"sts:AssumeRoleWithWebIdentity"');
      expect(trust).toContain('"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"');
      expect(trust).toContain(
        `"token.actions.githubusercontent.com:sub" = "repo:Credex/credex-infra:environment:${env}"`,
      );
      expect(trust).not.toMatch(/StringLike|\*|:ref:|refs\/heads/);
      const other = env === 'staging' ? 'production' : 'staging';
      expect(trust).not.toContain(other);
      const attachments = values(r, 'aws_iam_role_policy_attachment').filter(
        (a) => a.role === `\${aws_iam_role.${idOf(r, 'aws_iam_role', `credex-github-deploy-${env}`)}.name}`,
      );
      const names = attachments.map(
        (a) =>
          Object.entries(r.aws_iam_policy).find(([id]) => a.policy_arn === `\${aws_iam_policy.${id}.arn}`)![1].name,
      );
      expect(names).toContain('credex-core-permissions');
      expect(names.some((n) => n.startsWith(`credex-core-${other}-`))).toBe(false);
      expect(names.filter((n) => n.startsWith(`credex-core-${env}-permissions`)).length).toBeGreaterThan(0);
    }
  });

  it('rejects a repository that is not owner/name, and a set without the boundary', () => {
    const app: App = Testing.app();
    const stack = new GlobalStack(app, 'g2', { global: globalConfig, deployerPolicies: committedDeployerPolicies });
    expect(
      () => new GithubOidc(stack, 'oidc', { repository: 'credex-core', environments: [], sharedPolicies: [] }),
    ).toThrow(/owner\/name/);
    expect(() => githubEnvironmentSubject('Credex/credex-core', 'prod*')).toThrow(/no wildcard/);
    const noBoundary = {
      ...committedDeployerPolicies,
      policies: committedDeployerPolicies.policies.filter((p) => p.audience !== 'boundary'),
    };
    expect(() => new GlobalStack(Testing.app(), 'g3', { global: globalConfig, deployerPolicies: noBoundary })).toThrow(
      /boundary/,
    );
  });
});
