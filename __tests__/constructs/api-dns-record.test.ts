/**
 * The API's DNS name (issue 20, day 2): with config loadBalancer.hostedZoneId the production stack manages
 * api.mycredex.app as an alias record to its own load balancer, the deployer policies gain the route53 actions on that
 * zone only (generated), and the gate passes; without it (today) no record exists and the dns_record output says what
 * to point by hand.
 */
import { environmentConfig, globalConfig } from '../../config';
import { validateEnvironments } from '../../config/validate';
import { ApiDnsRecord } from '../../constructs/api-dns-record';
import { STACK_OUTPUTS } from '../../contracts/outputs';
import { committedUnscopableActions } from '../../tools/iam/unscopable';
import { generateDeployerPolicies, IamPolicyError } from '../../tools/iam/generate';
import { check } from '../support/policy-fixtures';
import { synthEnvironment } from '../support/synth';
import { synthesized } from '../support/iam';
import { TerraformStack, Testing } from 'cdktf';

const ZONE = 'Z0123456789ABCDEFGHIJ';
const production = environmentConfig('production');
const withZone = { ...production, loadBalancer: { ...production.loadBalancer, hostedZoneId: ZONE } };
const output = (json: any) => json.output[STACK_OUTPUTS.dnsRecord].value as string;

describe("the API's DNS record", () => {
  const zoned = synthEnvironment(withZone) as any;

  test('today (no zone in config): no record, and the output says to point the name by hand', () => {
    expect(production.loadBalancer.hostedZoneId).toBeUndefined();
    const json = synthEnvironment(production) as any;
    expect(json.resource.aws_route53_record).toBeUndefined();
    expect(output(json)).toMatch(
      /^not managed \(no loadBalancer\.hostedZoneId in config\): point api\.mycredex\.app at load_balancer_dns by hand/,
    );
  });

  test("with a zone: one A alias record of the API's name to this stack's load balancer", () => {
    const records = Object.values(zoned.resource.aws_route53_record) as any[];
    expect(records).toHaveLength(1);
    const [lbAddress] = Object.keys(zoned.resource.aws_lb);
    expect(records[0]).toMatchObject({
      zone_id: ZONE,
      name: 'api.mycredex.app',
      type: 'A',
      allow_overwrite: false,
      alias: {
        name: `\${aws_lb.${lbAddress}.dns_name}`,
        zone_id: `\${aws_lb.${lbAddress}.zone_id}`,
        evaluate_target_health: true,
      },
    });
    expect(output(zoned)).toBe(
      `managed: api.mycredex.app is an alias record to the load balancer in hosted zone ${ZONE}`,
    );
  });

  test('the gate finds nothing in the record: the same findings with and without it', async () => {
    // (a stack synthesized in memory carries no waivers, so both carry the same waivable findings)
    const found = async (json: unknown) =>
      (await check(json, 'production')).findings.map((f) => `${f.rule} ${f.address}`).sort();
    expect(await found(zoned)).toEqual(await found(synthEnvironment(production)));
  }, 120_000);

  test("the deployer policies: route53 on that zone only, in production's policy", () => {
    const stacks = synthesized().stacks.map((s) => (s.name === 'production' ? { name: s.name, json: zoned } : s));
    const options = {
      stateBucket: globalConfig.state.bucket,
      repository: globalConfig.ecr.repositoryName,
      boundaryName: globalConfig.permissionsBoundaryName,
      unscopableActions: committedUnscopableActions(),
    };
    const set = generateDeployerPolicies(stacks, options);
    const statementsOf = (audience: string) =>
      set.policies.filter((p) => p.audience === audience).flatMap((p) => p.document.Statement);
    const route53 = (audience: string) =>
      statementsOf(audience).filter((s) => [s.Action].flat().some((a) => a.startsWith('route53:')));
    expect(route53('production')).toEqual([
      expect.objectContaining({
        Action: ['route53:ChangeResourceRecordSets', 'route53:GetHostedZone', 'route53:ListResourceRecordSets'],
        Resource: [`arn:aws:route53:::hostedzone/${ZONE}`],
      }),
    ]);
    expect(route53('staging')).toEqual([]);
    expect(route53('shared').map((s) => [s.Action, s.Resource])).toEqual([
      [['route53:GetChange'], ['arn:aws:route53:::change/*']],
    ]);

    // a zone given by reference cannot be scoped: the generator refuses it
    const byRef = JSON.parse(JSON.stringify(zoned));
    const [name] = Object.keys(byRef.resource.aws_route53_record);
    byRef.resource.aws_route53_record[name].zone_id = '${data.aws_route53_zone.z.zone_id}';
    const refStacks = stacks.map((s) => (s.name === 'production' ? { name: s.name, json: byRef } : s));
    expect(() => generateDeployerPolicies(refStacks, options)).toThrow(IamPolicyError);
    expect(() => generateDeployerPolicies(refStacks, options)).toThrow(/needs a literal hosted zone id in zone_id/);
  }, 120_000);

  test('bad config or props: one line naming the field', () => {
    expect(() =>
      validateEnvironments([{ ...production, loadBalancer: { ...production.loadBalancer, hostedZoneId: 'zone-1' } }]),
    ).toThrow('config/production.ts loadBalancer.hostedZoneId: must be a Route 53 zone id');
    const staging = environmentConfig('staging');
    expect(() =>
      validateEnvironments([{ ...staging, loadBalancer: { ...staging.loadBalancer, hostedZoneId: ZONE } }]),
    ).toThrow('config/staging.ts loadBalancer.hostedZoneId: needs loadBalancer.domainName');
    const scope = new TerraformStack(Testing.app(), 's');
    const props = {
      hostedZoneId: ZONE,
      recordName: 'api.example.com',
      loadBalancerDnsName: 'x',
      loadBalancerZoneId: 'y',
    };
    expect(() => new ApiDnsRecord(scope, 'a', { ...props, recordName: 'API.example.com' })).toThrow(
      /lower-case DNS name/,
    );
    expect(() => new ApiDnsRecord(scope, 'b', { ...props, hostedZoneId: '/hostedzone/Z1' })).toThrow(/zone id/);
  });
});
