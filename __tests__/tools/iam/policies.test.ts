/**
 * What the generated documents promise: no wildcard actions, `*` only for unscopable actions, staging and
 * production disjoint, iam:PassRole only for the stacks' own roles to their own services, role changes only with
 * the permissions boundary, no IAM user/group/policy changes at all, and every part within IAM's size limit.
 */
import { DeployerPolicySet, GeneratedPolicy, PolicyStatement } from '../../../contracts/deployer-policies';
import { REQUEST_TAG_SCOPED_WRITES } from '../../../contracts/unscopable-actions';
import { committedUnscopableActions, unscopableMatcher } from '../../../tools/iam/unscopable';
import { ROLE_NAME_PATTERNS } from '../../../tools/iam/actions';
import { globalConfig } from '../../../config';
import { generateForProject } from '../../../tools/iam/files';
import {
  deployedSize,
  generateDeployerPolicies,
  IamPolicyError,
  MANAGED_POLICY_HEADROOM,
  MANAGED_POLICY_SIZE_LIMIT,
  MANAGED_POLICY_SPLIT_TARGET,
} from '../../../tools/iam/generate';
import { conditionValues, synthesized } from './helpers';

let set: DeployerPolicySet;
beforeAll(() => {
  set = generateForProject(synthesized().stacks);
});

const all = (): readonly GeneratedPolicy[] => set.policies;
const of = (audience: string): PolicyStatement[] =>
  set.policies.filter((p) => p.audience === audience).flatMap((p) => p.document.Statement);
const deployer = (): PolicyStatement[] => ['shared', 'staging', 'production'].flatMap(of);
const glob = (p: string) =>
  new RegExp(
    '^' +
      p
        .replace(/[.+^$()|[\]\\]/g, '\\$&')
        .replace(/\?/g, '.')
        .replace(/\*/g, '.*') +
      '$',
    'i',
  );

describe('generated deployer policies', () => {
  it('has the shared policy, per-environment policies and the boundary, each within the managed-policy limit', () => {
    const names = all().map((p) => p.name);
    expect(names).toContain('credex-core-permissions');
    expect(names).toContain('credex-core-staging-permissions');
    expect(names).toContain('credex-core-production-permissions');
    expect(names).toContain('credex-permissions-boundary');
    for (const p of all()) {
      expect(p.size).toBe(deployedSize(p.document));
      expect(p.size).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT);
      expect(new Set(p.document.Statement.map((s) => s.Sid)).size).toBe(p.document.Statement.length);
    }
  });

  it('leaves headroom in every part: one more action never breaks the global apply (issue 17, item l)', () => {
    expect(MANAGED_POLICY_HEADROOM).toBeGreaterThanOrEqual(512);
    expect(MANAGED_POLICY_SPLIT_TARGET).toBe(MANAGED_POLICY_SIZE_LIMIT - MANAGED_POLICY_HEADROOM);
    for (const p of all())
      expect({ [p.name]: MANAGED_POLICY_SIZE_LIMIT - p.size >= MANAGED_POLICY_HEADROOM }).toEqual({ [p.name]: true });
    // The margin holds for a change: ten more actions in the fullest part still fit IAM's limit.
    const fullest = [...all()].sort((a, b) => b.size - a.size)[0];
    const grown = structuredClone(fullest.document);
    grown.Statement[0].Action.push(
      ...Array.from({ length: 10 }, (_, i) => `elasticloadbalancing:DescribeSomething${i}`),
    );
    expect(deployedSize(grown)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT);
  });

  it('never allows a wildcard action or NotAction', () => {
    for (const p of all()) {
      for (const st of p.document.Statement) {
        expect(st.Effect).toBe('Allow');
        expect(st).not.toHaveProperty('NotAction');
        expect(st).not.toHaveProperty('NotResource');
        for (const a of st.Action) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      }
    }
  });

  it('uses Resource "*" only for actions AWS cannot scope (or creates scoped by request tags)', () => {
    // The gate's list (contracts/unscopable-actions.ts, rendered into the committed Rego set), not a copy of it.
    const unscopable = unscopableMatcher(committedUnscopableActions());
    for (const st of [...deployer(), ...of('boundary')]) {
      if (!st.Resource.includes('*')) continue;
      expect(st.Resource).toEqual(['*']);
      const requestTagged = conditionValues(st, 'aws:RequestTag/environment').length === 1;
      for (const a of st.Action) {
        const ok = unscopable(a) || (requestTagged && a.toLowerCase() in REQUEST_TAG_SCOPED_WRITES);
        if (!ok) throw new Error(`${st.Sid}: ${a} on "*"`);
      }
    }
  });

  it('refuses an action on "*" that the "allowed on *" list lacks, naming the list', () => {
    const generate = (unscopableActions: readonly string[]) =>
      generateDeployerPolicies(synthesized().stacks, {
        stateBucket: globalConfig.state.bucket,
        repository: globalConfig.ecr.repositoryName,
        boundaryName: globalConfig.permissionsBoundaryName,
        unscopableActions,
      });
    expect(() => generate(committedUnscopableActions())).not.toThrow();
    const withoutIdentity = committedUnscopableActions().filter((a) => a !== 'sts:getcalleridentity');
    expect(() => generate(withoutIdentity)).toThrow(IamPolicyError);
    expect(() => generate(withoutIdentity)).toThrow(
      'grants sts:GetCallerIdentity on "*", but it is not in the "allowed on *" list (contracts/unscopable-actions.ts)',
    );
  });

  it('keeps staging and production apart: neither document names the other environment', () => {
    const text = (env: string) => JSON.stringify(of(env));
    expect(text('staging')).not.toMatch(/production|neo4j_prod_/);
    expect(text('production')).not.toMatch(/staging|neo4j_stage_/);
    expect(JSON.stringify(of('shared'))).not.toMatch(/staging|production|neo4j_(stage|prod)_/);
    // Every environment-scoped statement carries the environment in its ARNs or its tag condition.
    for (const env of ['staging', 'production']) {
      for (const st of of(env)) {
        expect(
          JSON.stringify(st).includes(env) ||
            JSON.stringify(st).includes(env === 'staging' ? 'neo4j_stage_' : 'neo4j_prod_'),
        ).toBe(true);
      }
    }
  });

  it("no literal name of one environment's stack falls inside the other's ARN patterns", () => {
    const { stacks } = synthesized();
    const nameAttrs = ['name', 'alarm_name', 'dashboard_name', 'family', 'bucket_prefix'];
    for (const [mine, other] of [
      ['staging', 'production'],
      ['production', 'staging'],
    ]) {
      const otherArns = of(other)
        .flatMap((s) => s.Resource)
        .filter((r) => r !== '*');
      const names: string[] = [];
      const json = stacks.find((s) => s.name === mine)!.json;
      for (const byName of Object.values(json.resource ?? {})) {
        for (const body of Object.values(byName)) {
          for (const a of nameAttrs)
            if (typeof body[a] === 'string' && !(body[a] as string).includes('${')) names.push(body[a] as string);
        }
      }
      expect(names.length).toBeGreaterThan(20);
      for (const name of names) {
        for (const arn of otherArns) {
          const tail = arn.split(/[:/]/).slice(-1)[0];
          if (tail === '*' || tail === '*:*') continue;
          expect(glob(tail).test(name)).toBe(false);
        }
      }
    }
  });

  it('passes roles only to the services that use them, only the roles the stacks pass', () => {
    const { stacks } = synthesized();
    const passed = deployer().filter((s) => s.Action.includes('iam:PassRole'));
    expect(passed.length).toBeGreaterThanOrEqual(4);
    const services = new Set<string>();
    for (const st of passed) {
      expect(st.Action).toEqual(['iam:PassRole']);
      const to = conditionValues(st, 'iam:PassedToService');
      expect(to).toHaveLength(1);
      services.add(to[0]);
      expect(Object.keys(st.Condition!.StringEquals)).toEqual(['iam:PassedToService']);
      for (const r of st.Resource) {
        expect(r).not.toContain('*');
        const roleName = r.split(':role/')[1];
        const env = roleName.includes('staging') ? 'staging' : 'production';
        const roles = Object.values(stacks.find((s) => s.name === env)!.json.resource!.aws_iam_role).map((b) => b.name);
        expect(roles).toContain(roleName);
      }
    }
    expect([...services].sort()).toEqual([
      'dlm.amazonaws.com',
      'ec2.amazonaws.com',
      'ecs-tasks.amazonaws.com',
      'ecs.amazonaws.com',
      'lambda.amazonaws.com',
      'vpc-flow-logs.amazonaws.com',
    ]);
    // The blue/green infrastructure role ECS shifts traffic with (production's load_balancer.advanced_configuration):
    // CreateService refuses a role the caller may not pass (issue 17, item c).
    const toEcs = passed
      .filter((s) => conditionValues(s, 'iam:PassedToService')[0] === 'ecs.amazonaws.com')
      .flatMap((s) => s.Resource);
    expect(toEcs).toEqual(['arn:aws:iam::${aws:PrincipalAccount}:role/credex-core-blue-green-production']);
    const ecs = passed
      .filter((s) => conditionValues(s, 'iam:PassedToService')[0] === 'ecs-tasks.amazonaws.com')
      .flatMap((s) => s.Resource);
    expect(ecs.map((r) => r.split(':role/')[1]).sort()).toEqual([
      'credex-core-execution-production',
      'credex-core-execution-staging',
      'credex-core-task-production',
      'credex-core-task-staging',
    ]);
  });

  it('lets deployers create or change roles only with the permissions boundary, and only their environment roles', () => {
    const boundaryArn = 'arn:aws:iam::${aws:PrincipalAccount}:policy/credex-permissions-boundary';
    const guarded = [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:UpdateAssumeRolePolicy',
    ];
    let seen = 0;
    for (const env of ['staging', 'production']) {
      for (const st of of(env)) {
        if (!st.Action.some((a) => guarded.includes(a))) continue;
        seen++;
        expect(conditionValues(st, 'iam:PermissionsBoundary')).toEqual([boundaryArn]);
        const patterns = ROLE_NAME_PATTERNS.map(
          (p) => `arn:aws:iam::\${aws:PrincipalAccount}:role/${p.replace('{env}', env)}`,
        );
        expect(st.Resource.sort()).toEqual(patterns.sort());
        if (st.Action.includes('iam:CreateRole'))
          expect(conditionValues(st, 'aws:RequestTag/environment')).toEqual([env]);
        if (st.Action.includes('iam:AttachRolePolicy')) {
          expect(conditionValues(st, 'iam:PolicyARN').every((a) => a.startsWith('arn:aws:iam::aws:policy/'))).toBe(
            true,
          );
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(6);
    expect(
      deployer()
        .filter((s) => s.Action.some((a) => guarded.includes(a)))
        .every((s) => s.Condition),
    ).toBe(true);
  });

  it('grants no IAM user, group, policy or boundary-removal action, and no role outside the credex patterns', () => {
    const forbidden =
      /^iam:(.*User.*|.*Group.*|CreatePolicy.*|DeletePolicy.*|SetDefaultPolicyVersion|DeleteRolePermissionsBoundary|CreateAccessKey|UpdateAccessKey|PassRole\*)$/;
    for (const st of deployer()) {
      for (const a of st.Action) expect(a).not.toMatch(forbidden);
      if (st.Action.some((a) => a.startsWith('iam:'))) {
        for (const r of st.Resource) {
          expect(r).toMatch(/:role\/credex-|:instance-profile\/credex-|:role\/aws-service-role\//);
          expect(r).not.toContain('credex-deployers');
          expect(r).not.toContain('credex-github-deploy');
        }
      }
    }
  });

  it("the boundary holds workload actions only, scoped to the role's own environment tag", () => {
    const boundary = of('boundary');
    expect(boundary.flatMap((s) => s.Action).some((a) => a.startsWith('iam:') || a.startsWith('sts:'))).toBe(false);
    const secrets = boundary.filter((s) => s.Action.includes('secretsmanager:GetSecretValue'));
    expect(secrets.length).toBeGreaterThan(0);
    for (const st of secrets) {
      const scoped =
        st.Resource.every((r) => r.includes('${aws:PrincipalTag/environment}')) ||
        conditionValues(st, 'aws:PrincipalTag/environment').length === 1;
      expect(scoped).toBe(true);
    }
    expect(JSON.stringify(boundary)).not.toMatch(/credex-core\/(staging|production)\//);
  });

  it('lets each role use the seed-named connection secret as its inline policy says, in its own environment only', () => {
    // The rotation's finishSecret writes the connection secret (PutSecretValue): a boundary that allows only
    // GetSecretValue there leaves the API on the old user and loses Neo4j at the second rotation (issue 17, item d).
    for (const [env, name] of [
      ['staging', 'neo4j_stage_secrets'],
      ['production', 'neo4j_prod_secrets'],
    ]) {
      const arn = `arn:aws:secretsmanager:af-south-1:\${aws:PrincipalAccount}:secret:${name}-??????`;
      const onIt = of('boundary').filter((s) => s.Resource.includes(arn));
      expect(onIt.flatMap((s) => s.Action).sort()).toEqual([
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
      ]);
      for (const st of onIt) expect(conditionValues(st, 'aws:PrincipalTag/environment')).toEqual([env]);
    }
  });

  it('covers the workflow: ECR push to the one repository, its own state key, the app secret write', () => {
    const shared = of('shared');
    const push = shared.find((s) => s.Action.includes('ecr:PutImage'))!;
    expect(push.Resource).toEqual(['arn:aws:ecr:af-south-1:${aws:PrincipalAccount}:repository/credex-core']);
    for (const env of ['staging', 'production']) {
      const st = of(env);
      const state = st.find(
        (s) => s.Action.includes('s3:PutObject') && s.Resource.some((r) => r.includes('credex-terraform-state')),
      )!;
      expect(state.Resource).toEqual([
        `arn:aws:s3:::credex-terraform-state/credex-infra/${env}.tfstate`,
        `arn:aws:s3:::credex-terraform-state/credex-infra/${env}.tfstate.tflock`,
      ]);
      const put = st.filter((s) => s.Action.includes('secretsmanager:PutSecretValue')).flatMap((s) => s.Resource);
      expect(put).toContain(
        `arn:aws:secretsmanager:af-south-1:\${aws:PrincipalAccount}:secret:credex-core/${env}/app-??????`,
      );
      expect(st.some((s) => s.Action.includes('ecs:UpdateService'))).toBe(true);
    }
    expect(JSON.stringify(deployer())).not.toContain('credex-infra/global.tfstate');
  });
});
