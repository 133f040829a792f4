/**
 * A real `terraform show -json` plan (Terraform 1.11.4, hashicorp/aws 5.100.0 from the image's filesystem mirror,
 * dummy credentials, `terraform plan -refresh=false` of __tests__/policies/real-plan/main.tf with
 * TF_VAR_admin_cidr=0.0.0.0/0), judged through the compiled bundle: what a plan really holds, not what a fixture
 * assumes. New groups, keys, secrets and topics show their ids and default policies as known only after apply
 * (the previous gate stopped with an internal error on two new security groups sharing that placeholder id); a
 * module's inline rules add up over "tcp" and "6"; an encryption-by-default switch under the eu provider does not
 * cover a volume in af-south-1; an instance launched from a launch template that requires IMDSv2 passes; a default
 * subnet is public; NEO4J_AUTH is a credential and JWT_TOKEN_TTL_SECONDS=3600 is not.
 * To regenerate: TF_CLI_CONFIG_FILE pointing at the mirror, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY=test,
 * `terraform init`, `terraform plan -refresh=false -out=p.tfplan`, `terraform show -json p.tfplan`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { check } from '../support/policy-fixtures';

const plan = JSON.parse(readFileSync(path.join(__dirname, 'real-plan', 'plan.json'), 'utf8'));

test('a real plan is judged by meaning: exactly the exposures it holds', async () => {
  const report = await check(plan, 'plan.json');
  expect(report.findings.map((f) => [f.rule, f.address, f.message])).toEqual([
    ['CDX-EC2-002', 'aws_ebs_volume.v', 'the EBS volume is not encrypted'],
    [
      'CDX-NET-001',
      'aws_default_subnet.a',
      'map_public_ip_on_launch is not false: a default subnet gives every instance launched in it a public IP',
    ],
    ['CDX-NET-002', 'aws_vpc.main', 'no aws_flow_log refers to this VPC'],
    [
      'CDX-SEC-004',
      'aws_ecs_task_definition.api',
      'container 0 (api) environment NEO4J_AUTH holds a value shaped like a NEO4J_AUTH user/password',
    ],
    ['CDX-SG-005', 'aws_vpc_security_group_ingress_rule.ssh', 'rule allows port 22 from the whole internet'],
    [
      'CDX-SG-005',
      'module.net.aws_security_group.inner',
      'rules of module.net.aws_security_group.inner together open port 22 to the whole internet: ' +
        'module.net.aws_security_group.inner ingress[0] (0.0.0.0/1), module.net.aws_security_group.inner ingress[1] (128.0.0.0/1)',
    ],
  ]);
});
