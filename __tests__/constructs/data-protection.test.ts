/**
 * Issue 11's controls in the synthesized stacks of the real app: the environment key and where it is used, the Neo4j
 * password rotation, the WAF, the tested-image lookup and the account's audit trail.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig, globalConfig } from '../../config';
import { IMAGE_TESTED_VALUE, TAG_IMAGE_TESTED } from '../../contracts/ami';
import { EnvironmentKey } from '../../constructs/kms-key';
import { Neo4jRotation } from '../../constructs/neo4j-rotation';
import { WebAcl } from '../../constructs/waf';
import { projectStack, synthProject } from '../support/synth';
import { emptyStack, refId, resource, resources } from '../support/constructs';

const ENVS = ['staging', 'production'] as const;
const keyRef = /^\$\{aws_kms_key\.kms-key_[A-F0-9]+\.arn\}$/;

describe.each(ENVS)('%s: the customer-managed key', (env) => {
  const json = projectStack(env);
  const config = environmentConfig(env);

  test('rotates yearly, waits the configured window before deletion, has its alias', () => {
    expect(resource(json, 'aws_kms_key', 'kms-key')).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: config.security.keyDeletionWindowDays,
    });
    expect(resource(json, 'aws_kms_alias', 'kms-key')).toMatchObject({ name: `alias/credex-${env}` });
  });

  test('encrypts every log group, secret, EBS volume (root and data) and the SNS topic', () => {
    const uses: [string, string][] = [
      ['aws_cloudwatch_log_group', 'kms_key_id'],
      ['aws_secretsmanager_secret', 'kms_key_id'],
      ['aws_ebs_volume', 'kms_key_id'],
      ['aws_sns_topic', 'kms_master_key_id'],
    ];
    for (const [type, attr] of uses) {
      const all = resources(json, type);
      expect(all.length).toBeGreaterThan(0);
      for (const [, r] of all) expect(r[attr]).toMatch(keyRef);
    }
    for (const [, instance] of resources(json, 'aws_instance'))
      expect(instance.root_block_device.kms_key_id).toMatch(keyRef);
  });

  test('its policy names exactly the services and roles that use it, and no one gets kms:*', () => {
    const raw: string = resource(json, 'aws_kms_key', 'kms-key').policy;
    expect(raw).not.toMatch(/"kms:\*"/);
    for (const sid of [
      'KeyAdministration',
      'CloudWatchLogsOfThisEnvironment',
      'UseThroughSecretsManagerAndEbs',
      'EbsGrantsForAttachedVolumes',
      'SecretReaders',
      'SecretRotation',
      'AlarmsPublishToTheTopic',
      'EventsPublishToTheTopic',
    ])
      expect(raw).toContain(`"Sid" = "${sid}"`);
    // Readers: the execution role and the two instance roles; the rotation role writes.
    const readers = /"Sid" = "SecretReaders"[^]*?"AWS" = \[([^\]]*)\]/.exec(raw)![1];
    expect(readers.match(/aws_iam_role\.([^.]+)\.arn/g)!.sort()).toEqual(
      [
        expect.stringMatching(/^aws_iam_role\.api_execution-role_[A-F0-9]+\.arn$/),
        expect.stringMatching(/^aws_iam_role\.neo4j-ledgerspace_role_[A-F0-9]+\.arn$/),
        expect.stringMatching(/^aws_iam_role\.neo4j-searchspace_role_[A-F0-9]+\.arn$/),
      ].sort(),
    );
    expect(/"Sid" = "SecretRotation"[^]*?"AWS" = \[([^\]]*)\]/.exec(raw)![1]).toMatch(
      /aws_iam_role\.neo4j-rotation_role_[A-F0-9]+\.arn/,
    );
    // CloudWatch Logs only for this environment's log groups.
    expect(raw).toContain(`log-group:/ecs/credex-core-${env}`);
    expect(raw).toContain(`log-group:/aws/lambda/credex-${env}-neo4j-rotation`);
    expect(raw).not.toContain(`log-group:*"`);
  });

  test('flow logs are kept as configured (a year in production)', () => {
    const group = resource(json, 'aws_cloudwatch_log_group', 'flow-log-group');
    expect(group.retention_in_days).toBe(config.network.flowLogRetentionDays);
    if (env === 'production') expect(group.retention_in_days).toBeGreaterThanOrEqual(365);
  });
});

describe.each(ENVS)('%s: the Neo4j password rotation', (env) => {
  const json = projectStack(env);
  const config = environmentConfig(env);

  test('both host secrets rotate on the configured schedule through the function; the first rotation waits', () => {
    const fn = resources(json, 'aws_lambda_function');
    expect(fn).toHaveLength(1);
    const rotations = resources(json, 'aws_secretsmanager_secret_rotation').map(([, r]) => r);
    expect(rotations).toHaveLength(2);
    const hostSecrets = resources(json, 'aws_secretsmanager_secret')
      .filter(([, s]) => String(s.name).startsWith(`credex/${env}/neo4j/`))
      .map(([id]) => id)
      .sort();
    expect(rotations.map((r) => refId(r.secret_id)).sort()).toEqual(hostSecrets);
    for (const r of rotations) {
      expect(refId(r.rotation_lambda_arn)).toBe(fn[0][0]);
      expect(r.rotation_rules.automatically_after_days).toBe(config.security.neo4jRotationDays);
      expect(r.rotate_immediately).toBe(false);
    }
  });

  test('the function: Node.js 22, private subnets, its group reaches only HTTPS and the hosts on Bolt', () => {
    const fn = resources(json, 'aws_lambda_function')[0][1];
    expect(fn.runtime).toBe('nodejs22.x');
    expect(fn.handler).toBe('index.handler');
    expect(fn.filename).toMatch(/^assets\/neo4j-rotation_package_[A-F0-9]+\/[A-F0-9]+\/neo4j-rotation\.zip$/);
    const privateSubnets = resources(json, 'aws_subnet')
      .filter(([, s]) => s.tags?.Tier === 'private')
      .map(([id]) => id)
      .sort();
    expect(fn.vpc_config.subnet_ids.map(refId).sort()).toEqual(privateSubnets);
    const group = refId(fn.vpc_config.security_group_ids[0]);
    const egress = resources(json, 'aws_vpc_security_group_egress_rule')
      .filter(([, r]) => refId(r.security_group_id) === group)
      .map(([, r]) => `${r.from_port}/${r.cidr_ipv4 ?? refId(r.referenced_security_group_id)}`)
      .sort();
    expect(egress).toEqual(
      [
        '443/0.0.0.0/0',
        expect.stringMatching(/^7687\/neo4j-ledgerspace_security-group_/),
        expect.stringMatching(/^7687\/neo4j-searchspace_security-group_/),
      ].sort(),
    );
    expect(
      resources(json, 'aws_vpc_security_group_ingress_rule').some(([, r]) => refId(r.security_group_id) === group),
    ).toBe(false);
  });

  test('the function learns each host secret by space: the ARNs are values of SPACE_SECRETS, never object keys', () => {
    // A token used as an object key inside Fn.jsonencode synthesizes to `"<reference>" = undefined`, which Terraform
    // rejects ("Invalid reference"): the map goes space -> secret ARN, and the function inverts it.
    const variables = resources(json, 'aws_lambda_function')[0][1].environment.variables;
    const secret = (space: string) =>
      resources(json, 'aws_secretsmanager_secret').find(([, s]) => s.name === `credex/${env}/neo4j/${space}`)![0];
    expect(variables.SPACE_SECRETS).toBe(
      `\${jsonencode({"ledgerspace" = aws_secretsmanager_secret.${secret('ledgerspace')}.arn, ` +
        `"searchspace" = aws_secretsmanager_secret.${secret('searchspace')}.arn})}`,
    );
    expect(variables.SECRET_SPACES).toBeUndefined();
    expect(JSON.stringify(variables)).not.toMatch(/undefined/);
  });

  test('the package synth zipped is there; the rotation owns the secret versions after the first value', () => {
    const fn = resources(json, 'aws_lambda_function')[0][1];
    expect(existsSync(path.join(synthProject().dir, 'stacks', env, fn.filename))).toBe(true);
    for (const [, version] of resources(json, 'aws_secretsmanager_secret_version'))
      expect(version.lifecycle.ignore_changes).toEqual(['secret_string', 'version_stages']);
  });

  test('hosts boot only images that passed the image test', () => {
    const ami = Object.values(json.data!.aws_ami) as Record<string, any>[];
    expect(ami[0].filter).toContainEqual({ name: `tag:${TAG_IMAGE_TESTED}`, values: [IMAGE_TESTED_VALUE] });
  });
});

describe('the WAF', () => {
  test('production: associated with the internet-facing load balancer, managed groups, rate limit, logs', () => {
    const json = projectStack('production');
    const waf = environmentConfig('production').security.waf;
    const acl = resource(json, 'aws_wafv2_web_acl', 'waf');
    expect(acl.scope).toBe('REGIONAL');
    expect(acl.default_action).toEqual({ allow: {} });
    const rules = acl.rule as Record<string, any>[];
    expect(rules.map((r) => r.name)).toEqual([
      'rate-limit-per-ip',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const rate = rules[0].statement.rate_based_statement;
    expect(rate.limit).toBe(waf.rateLimitPer5Minutes);
    // verify's load step hammers the health path: the rate rule does not count it.
    expect(rate.scope_down_statement.not_statement.statement.byte_match_statement).toMatchObject({
      search_string: '/health',
      positional_constraint: 'EXACTLY',
    });
    const association = resource(json, 'aws_wafv2_web_acl_association', 'waf');
    expect(refId(association.resource_arn)).toBe(resources(json, 'aws_lb')[0][0]);
    const logs = resource(json, 'aws_cloudwatch_log_group', 'waf_logs');
    expect(logs).toMatchObject({ name: 'aws-waf-logs-credex-production', retention_in_days: waf.logRetentionDays });
    const logging = resource(json, 'aws_wafv2_web_acl_logging_configuration', 'waf');
    expect(logging.redacted_fields).toEqual([
      { single_header: { name: 'authorization' } },
      { single_header: { name: 'cookie' } },
    ]);
  });

  test('staging: off in config, so none', () => {
    expect(resources(projectStack('staging'), 'aws_wafv2_web_acl')).toEqual([]);
  });
});

describe('global: the audit trail', () => {
  test('multi-region, management events read and write, log file validation, KMS, private TLS-only bucket', () => {
    const json = projectStack('global');
    const trail = resource(json, 'aws_cloudtrail', 'audit-trail');
    expect(trail).toMatchObject({
      name: globalConfig.auditTrail.name,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      event_selector: [{ read_write_type: 'All', include_management_events: true }],
    });
    expect(trail.kms_key_id).toMatch(/^\$\{aws_kms_key\.audit-trail_key_/);
    expect(resource(json, 'aws_kms_key', 'audit-trail')).toMatchObject({ enable_key_rotation: true });
    expect(resource(json, 'aws_s3_bucket_public_access_block', 'audit-trail')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy: string = resource(json, 'aws_s3_bucket_policy', 'audit-trail').policy;
    expect(policy).toContain('"aws:SecureTransport" = "false"');
  });
});

describe('props validation names the construct and the prop', () => {
  const key = () =>
    new EnvironmentKey(emptyStack(), 'k', {
      environment: 'x',
      region: 'af-south-1',
      accountId: '1',
      partition: 'aws',
      aliasName: 'alias/x',
      logGroupNames: ['/x'],
      alarmTopicArn: 'arn:aws:sns:af-south-1:1:credex-alarms-x',
      deletionWindowDays: 3,
    });
  test.each([
    ['EnvironmentKey', key, /EnvironmentKey k: deletionWindowDays must be 7\.\.30, got 3/],
    [
      'WebAcl',
      () =>
        new WebAcl(emptyStack(), 'w', {
          name: 'x',
          logGroupName: 'x-logs',
          loadBalancerArn: 'arn',
          rateLimitPer5Minutes: 100,
          rateLimitExemptPaths: [],
          logRetentionDays: 30,
          region: 'af-south-1',
          accountId: '1',
          partition: 'aws',
        }),
      /WebAcl w: logGroupName must start with aws-waf-logs-/,
    ],
    [
      'Neo4jRotation',
      () =>
        new Neo4jRotation(emptyStack(), 'r', {
          rotationDays: 0,
        } as unknown as ConstructorParameters<typeof Neo4jRotation>[2]),
      /Neo4jRotation r: rotationDays must be 1\.\.365, got 0/,
    ],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
