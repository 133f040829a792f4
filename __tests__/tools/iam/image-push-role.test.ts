/**
 * Deploys never build (issue 20, day 1): the app repository's image build pushes with its own push-only role, trusted
 * for that repository's main branch, and the deploy roles keep only what a deploy does with images (find one, tag the
 * one it deploys), never a layer upload. Judged by the gate's effective-permissions evaluator on the synthesized
 * estate (global + staging).
 */
import { TerraformStack, Testing } from 'cdktf';
import { globalConfig } from '../../../config';
import { GithubBranchRole } from '../../../constructs/github-branch-role';
import { APP_SOURCE } from '../../../contracts/app';
import { GITHUB_IMAGE_PUSH_ROLE_NAME } from '../../../contracts/naming';
import { Call, estateInput, evaluateCalls } from '../../../tools/iam/effective';
import { projectStack } from '../../support/synth';

const global = projectStack('global') as any;
const estate = estateInput([
  { name: 'staging', json: projectStack('staging') as unknown as Record<string, unknown> },
  { name: 'global', json: global as Record<string, unknown> },
]);
const repositoryArn = (name: string) => `arn:aws:ecr:af-south-1:${estate.input.account}:repository/${name}`;
const decide = async (role: string, calls: [string, string][]) =>
  Object.fromEntries(
    (
      await evaluateCalls(
        estate,
        calls.map(([action, arn]): Call => ({
          id: `${action} ${arn}`,
          principal: { role },
          action,
          resource: { arn },
        })),
      )
    ).map((d) => [d.id.replace(estate.input.account, 'ACCOUNT'), d.allowed]),
  );
const PUSH = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];

describe('the image push role (global stack)', () => {
  const role = Object.values(global.resource.aws_iam_role).find(
    (r: any) => r.name === GITHUB_IMAGE_PUSH_ROLE_NAME,
  ) as any;

  test("trusts exactly the app repository's main branch", () => {
    expect(globalConfig.imagePush).toEqual({ repository: APP_SOURCE.repository, branch: 'main' });
    const trust = String(role.assume_role_policy);
    expect(trust).toContain(
      `"token.actions.githubusercontent.com:sub" = "repo:Great-Sun-Group/credex-core:ref:refs/heads/main"`,
    );
    expect(trust).toContain(`"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"`);
    expect(trust).not.toMatch(/credex-infra|StringLike|\*/);
  });

  test('may push to the one repository and log in; nothing else', async () => {
    const roleAddress = estate.addresses.get('global/image-push-role/role')!;
    const repo = repositoryArn(globalConfig.ecr.repositoryName);
    const other = repositoryArn('another-repository');
    const allowed = await decide(roleAddress, [
      ['ecr:GetAuthorizationToken', '*'],
      ...PUSH.map((a): [string, string] => [a, repo]),
      ...PUSH.map((a): [string, string] => [a, other]),
      ['ecr:BatchDeleteImage', repo],
      ['ecr:DeleteRepository', repo],
      ['ecr:SetRepositoryPolicy', repo],
      ['ecr:BatchGetImage', repo],
      [
        'ecs:UpdateService',
        'arn:aws:ecs:af-south-1:ACCOUNT:service/credex-cluster-staging/credex-core-service-staging',
      ],
    ]);
    const expected: Record<string, boolean> = { 'ecr:GetAuthorizationToken *': true };
    for (const a of PUSH) expected[`${a} ${repo.replace(estate.input.account, 'ACCOUNT')}`] = true;
    for (const a of PUSH) expected[`${a} ${other.replace(estate.input.account, 'ACCOUNT')}`] = false;
    for (const a of ['ecr:BatchDeleteImage', 'ecr:DeleteRepository', 'ecr:SetRepositoryPolicy', 'ecr:BatchGetImage'])
      expected[`${a} ${repo.replace(estate.input.account, 'ACCOUNT')}`] = false;
    expected[
      'ecs:UpdateService arn:aws:ecs:af-south-1:ACCOUNT:service/credex-cluster-staging/credex-core-service-staging'
    ] = false;
    expect(allowed).toEqual(expected);
  }, 120_000);
});

test('a branch role grants on "*" only what IAM cannot scope', () => {
  const props = {
    name: 'r',
    providerArn: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
    repository: 'o/r',
    branch: 'main',
    purpose: 'p',
    branchTrustReason: 'why',
  };
  const scope = new TerraformStack(Testing.app(), 's');
  expect(
    () =>
      new GithubBranchRole(scope, 'push', { ...props, statements: [{ actions: ['ecr:PutImage'], resources: ['*'] }] }),
  ).toThrow(/grants on "\*" an action IAM can scope/);
  expect(() => new GithubBranchRole(scope, 'wild', { ...props, branch: '*', statements: [] })).toThrow();
  expect(
    () =>
      new GithubBranchRole(scope, 'login', {
        ...props,
        statements: [{ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }],
      }),
  ).not.toThrow();
});

describe('the deploy roles no longer push', () => {
  test('the staging deploy role may find and tag images, never upload a layer', async () => {
    const deployRole = estate.addresses.get('global/github-oidc/role-staging')!;
    const repo = repositoryArn(globalConfig.ecr.repositoryName);
    const allowed = await decide(deployRole, [
      ...['ecr:DescribeImages', 'ecr:BatchGetImage', 'ecr:PutImage'].map((a): [string, string] => [a, repo]),
      ...['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'].map((a): [string, string] => [
        a,
        repo,
      ]),
    ]);
    expect(Object.values(allowed)).toEqual([true, true, true, false, false, false]);
  }, 120_000);
});
