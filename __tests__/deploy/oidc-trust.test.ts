/**
 * The deploy roles as synthesized, through the compiled gate: today's trust (environment subject only) passes
 * CDX-IAM-008; the seed's trust (the deploy branch as a second subject) is a deny finding on each role.
 */
import { globalConfig } from '../../config';
import { check } from '../support/policy-fixtures';
import { projectStack } from '../support/synth';

const SUB = '"token.actions.githubusercontent.com:sub" = ';

describe('GitHub OIDC deploy roles through the gate (CDX-IAM-008)', () => {
  const global = projectStack('global');

  it("the roles trust this infrastructure repository's environment jobs, not the app repository", () => {
    // the deploy roles (the secret-age role trusts a branch: secret-age-role.test.ts)
    const trusts = Object.values((global as any).resource.aws_iam_role)
      .map((r: any) => String(r.assume_role_policy))
      .filter((p) => p.includes('token.actions.githubusercontent.com') && p.includes(':environment:'));
    expect(trusts).toHaveLength(2);
    for (const env of ['staging', 'production'])
      expect(trusts.some((p) => p.includes(`${SUB}"repo:${globalConfig.githubRepository}:environment:${env}"`))).toBe(
        true,
      );
    expect(globalConfig.githubRepository).toBe('Credex/credex-infra');
    expect(trusts.join('\n')).not.toContain('credex-core:');
  });

  it('the synthesized roles trust only their GitHub environment: no finding', async () => {
    const report = await check(global, 'global');
    expect(report.findings.filter((f) => f.rule === 'CDX-IAM-008')).toEqual([]);
  });

  it("the seed's branch subject is denied on both roles", async () => {
    const seed = structuredClone(global) as any;
    for (const role of Object.values(seed.resource.aws_iam_role) as any[]) {
      const env = /environment:(\w+)"/.exec(role.assume_role_policy)?.[1];
      if (!env) continue;
      const branch = env === 'production' ? 'prod' : 'stage';
      const today = `${SUB}"repo:Credex/credex-infra:environment:${env}"`;
      expect(role.assume_role_policy).toContain(today);
      role.assume_role_policy = role.assume_role_policy.replace(
        today,
        `${SUB}["repo:Credex/credex-infra:ref:refs/heads/${branch}", "repo:Credex/credex-infra:environment:${env}"]`,
      );
    }
    const report = await check(seed, 'global');
    const found = report.findings.filter((f) => f.rule === 'CDX-IAM-008');
    expect(found.map((f) => f.message).sort()).toEqual([
      expect.stringMatching(/trusts sub "repo:Credex\/credex-infra:ref:refs\/heads\/prod", a branch or tag ref/),
      expect.stringMatching(/trusts sub "repo:Credex\/credex-infra:ref:refs\/heads\/stage", a branch or tag ref/),
    ]);
    expect(report.summary.passed).toBe(false);
  });

  it.each(['*', 'sts:*', 'sts:AssumeRoleWith*', 'STS:ASSUMEROLEWITHWEBIDENTITY'])(
    'a trust whose action is spelled %s is judged all the same (compiled bundle)',
    async (action) => {
      const seed = structuredClone(global) as any;
      const role = Object.values(seed.resource.aws_iam_role).find((r: any) =>
        /environment:production"/.test(r.assume_role_policy),
      ) as any;
      role.assume_role_policy = role.assume_role_policy
        .replace(/"sts:AssumeRoleWithWebIdentity"/i, JSON.stringify(action))
        .replace('environment:production', 'ref:refs/heads/prod');
      const report = await check(seed, 'global');
      expect(report.findings.filter((f) => f.rule === 'CDX-IAM-008').map((f) => f.message)).toEqual([
        expect.stringMatching(/trusts sub "repo:Credex\/credex-infra:ref:refs\/heads\/prod", a branch or tag ref/),
      ]);
    },
  );

  it('a second statement that lets the account root assume the production role is denied', async () => {
    const seed = structuredClone(global) as any;
    const role = Object.values(seed.resource.aws_iam_role).find((r: any) =>
      /environment:production"/.test(r.assume_role_policy),
    ) as any;
    expect(role.assume_role_policy).toMatch(/"Statement" = \[/);
    role.assume_role_policy = role.assume_role_policy.replace(
      /"Statement" = \[/,
      '"Statement" = [{"Action" = "sts:AssumeRole", "Effect" = "Allow", "Principal" = {"AWS" = "arn:aws:iam::123456789012:root"}}, ',
    );
    const report = await check(seed, 'global');
    expect(report.findings.filter((f) => f.rule === 'CDX-IAM-008').map((f) => f.message)).toEqual([
      expect.stringMatching(/statement 0 also lets AWS arn:aws:iam::123456789012:root assume the role/),
    ]);
  });
});
