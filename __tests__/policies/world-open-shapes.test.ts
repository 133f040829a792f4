/**
 * World-open ingress in the shapes that passed the gate before: a prefix list that holds the internet, and two
 * security groups that each open half of it on one resource (reported once, at that resource, naming both rules).
 * Through the compiled bundle, in both input shapes and in a plan with the resources two modules deep.
 */
import { generatePlan } from '../../tools/bench/plan-generator';
import { cdktfDoc, check, planDoc, Resources } from '../support/policy-fixtures';
import { modulePlan } from '../support/policy-module-plan';

const ssh = (extra: Record<string, unknown>) => ({ ip_protocol: 'tcp', from_port: 22, to_port: 22, ...extra });

const prefixList: Resources = {
  'aws_ec2_managed_prefix_list.world': {
    name: 'world',
    address_family: 'IPv4',
    max_entries: 2,
    entry: [{ cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1' }],
  },
  'aws_security_group.sg': { name: 'credex-staging-x', vpc_id: 'vpc-1' },
  'aws_vpc_security_group_ingress_rule.ssh': ssh({
    security_group_id: '${aws_security_group.sg.id}',
    prefix_list_id: '${aws_ec2_managed_prefix_list.world.id}',
  }),
};

const halves = (carriers: Resources): Resources => ({
  'aws_security_group.a': { name: 'credex-staging-a', vpc_id: 'vpc-1' },
  'aws_security_group.b': { name: 'credex-staging-b', vpc_id: 'vpc-1' },
  'aws_vpc_security_group_ingress_rule.a': ssh({
    security_group_id: '${aws_security_group.a.id}',
    cidr_ipv4: '0.0.0.0/1',
  }),
  'aws_vpc_security_group_ingress_rule.b': ssh({
    security_group_id: '${aws_security_group.b.id}',
    cidr_ipv4: '128.0.0.0/1',
  }),
  ...carriers,
});

const instance = (groups: string[]) => ({
  ami: 'ami-1',
  instance_type: 't3.micro',
  vpc_security_group_ids: groups.map((g) => `\${aws_security_group.${g}.id}`),
  metadata_options: { http_tokens: 'required' },
  root_block_device: { encrypted: true },
});

/** The world-open findings' addresses, inside module.a.module.b when the plan puts the resources there. */
const worldOpen = async (doc: unknown) =>
  (await check(doc)).findings
    .filter((f) => f.rule === 'CDX-SG-005' || f.rule === 'CDX-SG-001')
    .map((f) => f.address.replace(/^module\.a\.module\.b\./, ''));

describe.each([
  ['cdktf config', (r: Resources) => cdktfDoc(r), ''],
  ['plan', (r: Resources) => planDoc(r), ''],
  ['plan, two modules deep', (r: Resources) => modulePlan(r, ['a', 'b']), 'module.a.module.b.'],
] as const)('%s', (_shape, doc, p) => {
  test('a prefix list of 0.0.0.0/1 + 128.0.0.0/1 as the source of port 22 is world-open', async () => {
    expect(await worldOpen(doc(prefixList))).toEqual(['aws_vpc_security_group_ingress_rule.ssh']);
    const office = structuredClone(prefixList);
    office['aws_ec2_managed_prefix_list.world'].entry = [{ cidr: '203.0.113.0/24' }];
    expect(await worldOpen(doc(office))).toEqual([]);
  });

  test('two groups opening half the internet each, on one instance, are world-open together: one finding there', async () => {
    const report = await check(doc(halves({ 'aws_instance.i': instance(['a', 'b']) })));
    const found = report.findings.filter((f) => f.rule === 'CDX-SG-005');
    // Every address in the finding is the full address (with the module path, when the resources are in a module).
    expect(found.map((f) => [f.address, f.message])).toEqual([
      [
        `${p}aws_instance.i`,
        `security groups ${p}aws_security_group.a, ${p}aws_security_group.b attached here together open port 22 to the whole internet: ` +
          `${p}aws_vpc_security_group_ingress_rule.a (0.0.0.0/1), ${p}aws_vpc_security_group_ingress_rule.b (128.0.0.0/1)`,
      ],
    ]);
    expect(
      await worldOpen(doc(halves({ 'aws_instance.i': instance(['a']), 'aws_instance.j': instance(['b']) }))),
    ).toEqual([]);
  });
});

describe("the bench's generated plan", () => {
  test('world-open findings only where a rule opens something (groups also hold SSH from a bastion group and 10/8)', async () => {
    const { plan, expected } = generatePlan(2_000);
    const report = await check(plan);
    const ssh = report.findings.filter((f) => f.rule === 'CDX-SG-005');
    expect(ssh).toHaveLength(expected['CDX-SG-005']);
    for (const f of ssh) expect(f.message).toMatch(/^ingress\[3\] allows port 22 from the whole internet$/);
  });
});
