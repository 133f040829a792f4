/**
 * Every rule, through the compiled wasm bundle: a violating fixture and its compliant twin, each in the cdktf
 * shape and the plan shape, and in a plan as Terraform writes it (module-plan.ts) at the root and two modules deep.
 */
import { bundleMetadata } from '../../policies/engine/metadata';
import { renderSarif, renderText } from '../../policies/engine/report';
import { cdktfDoc, check, planDoc, Resources, ruleIds } from '../support/policy-fixtures';
import { cdktfViaLocals } from '../support/policy-locals-config';
import { modulePlan } from '../support/policy-module-plan';

interface Case {
  /** The environment (stack name) the fixtures belong to. */
  readonly env?: string;
  /** The offending address. */
  readonly address: string;
  /** The message of the violating fixture's finding: the concrete problem with the values that cause it. */
  readonly problem: RegExp;
  readonly bad: Resources;
  readonly good: Resources;
  /** Top-level keys added to the violating document of each shape, for rules about the document itself. */
  readonly badDocument?: { readonly cdktf: Record<string, unknown>; readonly plan: Record<string, unknown> };
}

const tcp = (from: number, to: number, extra: Record<string, unknown>) => ({
  protocol: 'tcp',
  from_port: from,
  to_port: to,
  ...extra,
});
const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const trust = (principal: unknown) => doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal });
const githubTrust = (sub: string | string[]) =>
  doc({
    Effect: 'Allow',
    Action: 'sts:AssumeRoleWithWebIdentity',
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
    Condition: {
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': sub,
      },
    },
  });
const secureInstance = {
  ami: 'ami-1',
  instance_type: 't3.micro',
  metadata_options: { http_tokens: 'required' },
  root_block_device: { encrypted: true },
};
const containers = (c: Record<string, unknown>) => JSON.stringify([{ name: 'api', image: 'repo:sha', ...c }]);
const listener = (protocol: string, type: string) => ({
  load_balancer_arn: '${aws_lb.api.arn}',
  port: protocol === 'HTTPS' ? 443 : 80,
  protocol,
  ...(protocol === 'HTTPS' ? { ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } : {}),
  default_action: [
    type === 'redirect' ? { type, redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } } : { type },
  ],
});
const lb = {
  'aws_lb.api': { load_balancer_type: 'application', internal: false, drop_invalid_header_fields: true },
};
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const CASES: Record<string, Case> = {
  'CDX-LB-004': {
    address: 'aws_alb_listener.https',
    problem: /^ssl_policy ELBSecurityPolicy-2016-08 accepts TLS below 1\.2$/,
    bad: {
      ...lb,
      'aws_alb_listener.https': { ...listener('HTTPS', 'forward'), ssl_policy: 'ELBSecurityPolicy-2016-08' },
    },
    good: { ...lb, 'aws_alb_listener.https': listener('HTTPS', 'forward') },
  },
  'CDX-LB-006': {
    address: 'aws_alb.api',
    problem: /^drop_invalid_header_fields is not true: invalid header fields reach the service$/,
    bad: { 'aws_alb.api': { load_balancer_type: 'application', internal: false } },
    good: { 'aws_alb.api': { load_balancer_type: 'application', internal: false, drop_invalid_header_fields: true } },
  },
  'CDX-ECS-002': {
    address: 'aws_ecs_cluster.main',
    problem: /^Container Insights is disabled$/,
    bad: { 'aws_ecs_cluster.main': { name: 'c', setting: [{ name: 'containerInsights', value: 'disabled' }] } },
    good: { 'aws_ecs_cluster.main': { name: 'c', setting: [{ name: 'containerInsights', value: 'enabled' }] } },
  },
  'CDX-SEC-004': {
    address: 'aws_ecs_task_definition.api',
    problem:
      /^container 0 \(api\) environment UPSTREAM holds a value shaped like a GitHub token and a high-entropy token$/,
    bad: {
      'aws_ecs_task_definition.api': {
        family: 'api',
        container_definitions: containers({
          environment: [{ name: 'UPSTREAM', value: 'ghp_Zx9Qm2Lp7Rt4Vw8Ys1Kd3Hf6Jb5Nc0Gt2Ae7Uw' }],
        }),
      },
    },
    good: {
      'aws_ecs_task_definition.api': {
        family: 'api',
        container_definitions: containers({
          environment: [{ name: 'UPSTREAM', value: 'https://api.example.com/v1' }],
        }),
      },
    },
  },
  'CDX-SG-001': {
    address: 'aws_security_group.web',
    problem: /^ingress\[0\] allows port 8080 from the whole internet; only 80 and 443 may be world-open$/,
    bad: { 'aws_security_group.web': { ingress: [tcp(8080, 8080, { cidr_blocks: ['0.0.0.0/0'] })] } },
    good: { 'aws_security_group.web': { ingress: [tcp(443, 443, { cidr_blocks: ['0.0.0.0/0'] })] } },
  },
  'CDX-SG-002': {
    address: 'aws_vpc_security_group_ingress_rule.bolt',
    problem: /^rule opens database port 7687 to CIDR source\(s\) 10\.0\.0\.0\/16;/,
    bad: {
      'aws_vpc_security_group_ingress_rule.bolt': {
        ip_protocol: 'tcp',
        from_port: 7687,
        to_port: 7687,
        cidr_ipv4: '10.0.0.0/16',
      },
    },
    good: {
      'aws_vpc_security_group_ingress_rule.bolt': {
        ip_protocol: 'tcp',
        from_port: 7687,
        to_port: 7687,
        referenced_security_group_id: '${aws_security_group.task.id}',
      },
    },
  },
  'CDX-SG-003': {
    address: 'aws_security_group_rule.all',
    problem: /^rule allows all traffic from CIDR source\(s\) 10\.0\.0\.0\/8$/,
    bad: {
      'aws_security_group_rule.all': {
        type: 'ingress',
        protocol: '-1',
        from_port: 0,
        to_port: 0,
        cidr_blocks: ['10.0.0.0/8'],
      },
    },
    good: { 'aws_security_group_rule.all': { type: 'ingress', protocol: '-1', from_port: 0, to_port: 0, self: true } },
  },
  'CDX-SG-004': {
    address: 'aws_security_group.range',
    problem: /^ingress\[0\] allows ports 7000-8000, a range that covers sensitive port\(s\) 7000,7473,7474,7687,7688$/,
    bad: {
      'aws_security_group.range': {
        ingress: [tcp(7000, 8000, { security_groups: ['${aws_security_group.task.id}'] })],
      },
    },
    good: {
      'aws_security_group.range': {
        ingress: [tcp(8000, 8100, { security_groups: ['${aws_security_group.task.id}'] })],
      },
    },
  },
  'CDX-SG-005': {
    address: 'aws_security_group_rule.ssh',
    problem: /^rule allows port 22 from the whole internet$/,
    bad: {
      'aws_security_group_rule.ssh': {
        type: 'ingress',
        protocol: 'tcp',
        from_port: 22,
        to_port: 22,
        cidr_blocks: ['0.0.0.0/0'],
      },
    },
    good: {
      'aws_security_group_rule.ssh': {
        type: 'ingress',
        protocol: 'tcp',
        from_port: 22,
        to_port: 22,
        cidr_blocks: ['10.0.5.0/24'],
      },
    },
  },
  'CDX-IAM-001': {
    address: 'aws_iam_policy.p',
    problem: /^policy statement 0 allows wildcard action\(s\) s3:\*$/,
    bad: { 'aws_iam_policy.p': { policy: doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }) } },
    good: {
      'aws_iam_policy.p': { policy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }) },
    },
  },
  'CDX-IAM-002': {
    address: 'aws_iam_policy.p',
    problem: /^policy statement 0 uses Allow with NotAction$/,
    bad: { 'aws_iam_policy.p': { policy: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b/*' }) } },
    good: { 'aws_iam_policy.p': { policy: doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b/*' }) } },
  },
  'CDX-IAM-003': {
    address: 'aws_iam_role_policy.task',
    problem:
      /^policy \(from data\.aws_iam_policy_document\.task\) statement 0 allows iam:PassRole on every resource \(\*\)$/,
    bad: {
      'aws_iam_role_policy.task': {
        role: '${aws_iam_role.task.id}',
        policy: '${data.aws_iam_policy_document.task.json}',
      },
      'data.aws_iam_policy_document.task': {
        statement: [{ effect: 'Allow', actions: ['iam:PassRole', 'ecr:GetAuthorizationToken'], resources: ['*'] }],
      },
    },
    good: {
      'aws_iam_role_policy.task': {
        role: '${aws_iam_role.task.id}',
        policy: '${data.aws_iam_policy_document.task.json}',
      },
      'data.aws_iam_policy_document.task': {
        statement: [
          { effect: 'Allow', actions: ['iam:PassRole'], resources: ['${aws_iam_role.exec.arn}'] },
          { effect: 'Allow', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        ],
      },
    },
  },
  'CDX-IAM-004': {
    address: 'aws_iam_role_policy_attachment.admin',
    problem: /^policy_arn attaches the AWS-managed policy arn:aws:iam::aws:policy\/AdministratorAccess$/,
    bad: {
      'aws_iam_role_policy_attachment.admin': { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    },
    good: {
      'aws_iam_role_policy_attachment.admin': {
        role: 'r',
        policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      },
    },
  },
  'CDX-IAM-005': {
    address: 'aws_iam_role.r',
    problem: /^assume_role_policy statement 0 allows the wildcard principal AWS "\*"$/,
    bad: { 'aws_iam_role.r': { assume_role_policy: trust({ AWS: '*' }) } },
    good: { 'aws_iam_role.r': { assume_role_policy: trust({ Service: 'ecs-tasks.amazonaws.com' }) } },
  },
  'CDX-IAM-006': {
    address: 'aws_iam_user_policy.u',
    problem: /^aws_iam_user_policy gives permissions to a user directly; use a group$/,
    bad: {
      'aws_iam_user_policy.u': {
        user: 'deployer',
        policy: doc({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
      },
    },
    good: {
      'aws_iam_group_policy.u': {
        group: 'deployers',
        policy: doc({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
      },
    },
  },
  'CDX-IAM-007': {
    address: 'aws_iam_policy.p',
    problem: /^policy could not be judged: it is an unresolved expression$/,
    bad: { 'aws_iam_policy.p': { policy: '${file("policy.json")}' } },
    good: { 'aws_iam_policy.p': { policy: doc({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }) } },
  },
  'CDX-GATE-010': {
    address: 'aws_lambda_function.rotation',
    problem:
      /^environment\.variables\.SECRET_SPACES holds an expression with a JavaScript undefined in it: Terraform rejects it \(Invalid reference\)$/,
    bad: {
      'aws_lambda_function.rotation': {
        function_name: 'rotation',
        environment: {
          variables: { SECRET_SPACES: '${jsonencode({"aws_secretsmanager_secret.s.arn" = undefined})}' },
        },
      },
    },
    good: {
      'aws_lambda_function.rotation': {
        function_name: 'rotation',
        environment: {
          variables: { SPACE_SECRETS: '${jsonencode({"ledgerspace" = aws_secretsmanager_secret.s.arn})}' },
        },
      },
    },
  },
  'CDX-GATE-011': {
    address: 'aws_dlm_lifecycle_policy.backups',
    problem:
      /^description "credex staging Neo4j data volumes, daily" is not what the AWS provider accepts \(letters, digits, spaces, _ and -, at most 500\)$/,
    bad: { 'aws_dlm_lifecycle_policy.backups': { description: 'credex staging Neo4j data volumes, daily' } },
    good: { 'aws_dlm_lifecycle_policy.backups': { description: 'credex staging Neo4j data volumes daily' } },
  },
  'CDX-IAM-020': {
    address: 'aws_iam_role_policy.worker',
    problem:
      /^statement 0 of the policy of role worker grants secretsmanager:PutSecretValue on arn:aws:secretsmanager:af-south-1:123456789012:secret:app-AbCdEf, which its permissions boundary arn:aws:iam::123456789012:policy\/workloads never allows: the grant is dead$/,
    bad: {
      'aws_iam_policy.boundary': {
        name: 'workloads',
        policy: doc({
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: 'arn:aws:secretsmanager:af-south-1:123456789012:secret:app-*',
        }),
      },
      'aws_iam_role.worker': {
        name: 'worker',
        assume_role_policy: trust({ Service: 'lambda.amazonaws.com' }),
        permissions_boundary: 'arn:aws:iam::123456789012:policy/workloads',
      },
      'aws_iam_role_policy.worker': {
        role: 'worker',
        policy: doc({
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: 'arn:aws:secretsmanager:af-south-1:123456789012:secret:app-AbCdEf',
        }),
      },
    },
    good: {
      'aws_iam_policy.boundary': {
        name: 'workloads',
        policy: doc({
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: 'arn:aws:secretsmanager:af-south-1:123456789012:secret:app-*',
        }),
      },
      'aws_iam_role.worker': {
        name: 'worker',
        assume_role_policy: trust({ Service: 'lambda.amazonaws.com' }),
        permissions_boundary: 'arn:aws:iam::123456789012:policy/workloads',
      },
      'aws_iam_role_policy.worker': {
        role: 'worker',
        policy: doc({
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: 'arn:aws:secretsmanager:af-south-1:123456789012:secret:app-AbCdEf',
        }),
      },
    },
  },
  'CDX-IAM-008': {
    address: 'aws_iam_role.deploy',
    problem:
      /^assume_role_policy statement 0 trusts sub "repo:Credex\/credex-core:ref:refs\/heads\/prod", a branch or tag ref: a job on that ref that names no environment skips the environment's reviewers$/,
    bad: {
      'aws_iam_role.deploy': {
        assume_role_policy: githubTrust([
          'repo:Credex/credex-core:ref:refs/heads/prod',
          'repo:Credex/credex-core:environment:production',
        ]),
      },
    },
    good: {
      'aws_iam_role.deploy': { assume_role_policy: githubTrust('repo:Credex/credex-core:environment:production') },
    },
  },
  'CDX-EC2-001': {
    address: 'aws_instance.neo4j',
    problem: /^aws_instance does not require IMDSv2 \(metadata_options\.http_tokens is not "required"\)$/,
    bad: { 'aws_instance.neo4j': { ...secureInstance, metadata_options: { http_tokens: 'optional' } } },
    good: { 'aws_instance.neo4j': secureInstance },
  },
  'CDX-EC2-002': {
    address: 'aws_ebs_volume.data',
    problem: /^the EBS volume is not encrypted$/,
    bad: { 'aws_ebs_volume.data': { availability_zone: 'af-south-1a', size: 100 } },
    good: { 'aws_ebs_volume.data': { availability_zone: 'af-south-1a', size: 100, encrypted: true } },
  },
  'CDX-NET-001': {
    address: 'aws_subnet.public',
    problem: /^map_public_ip_on_launch is true: every instance launched here gets a public IP$/,
    bad: { 'aws_subnet.public': { cidr_block: '10.0.0.0/24', map_public_ip_on_launch: true } },
    good: { 'aws_subnet.public': { cidr_block: '10.0.0.0/24', map_public_ip_on_launch: false } },
  },
  'CDX-NET-002': {
    address: 'aws_vpc.main',
    problem: /^no aws_flow_log refers to this VPC$/,
    bad: { 'aws_vpc.main': { cidr_block: '10.0.0.0/16' } },
    good: {
      'aws_vpc.main': { cidr_block: '10.0.0.0/16' },
      'aws_flow_log.main': {
        vpc_id: '${aws_vpc.main.id}',
        traffic_type: 'ALL',
        log_destination: '${aws_cloudwatch_log_group.flow.arn}',
      },
    },
  },
  'CDX-SEC-001': {
    address: 'aws_ecs_task_definition.api',
    problem: /^container 0 \(api\) sets NEO4J_PASSWORD to a literal value in environment; use secrets \(valueFrom\)$/,
    bad: {
      'aws_ecs_task_definition.api': {
        family: 'api',
        container_definitions: containers({ environment: [{ name: 'NEO4J_PASSWORD', value: 'correct-horse' }] }),
      },
    },
    good: {
      'aws_ecs_task_definition.api': {
        family: 'api',
        container_definitions: containers({
          environment: [{ name: 'NODE_ENV', value: 'production' }],
          secrets: [{ name: 'NEO4J_PASSWORD', valueFrom: '${aws_secretsmanager_secret.neo4j.arn}:password::' }],
        }),
      },
    },
  },
  'CDX-ECS-001': {
    address: 'aws_ecs_task_definition.api',
    problem: /^container 0 \(api\) is privileged$/,
    bad: { 'aws_ecs_task_definition.api': { family: 'api', container_definitions: containers({ privileged: true }) } },
    good: {
      'aws_ecs_task_definition.api': {
        family: 'api',
        container_definitions: containers({ privileged: false, readonlyRootFilesystem: true }),
      },
    },
  },
  'CDX-ECR-001': {
    address: 'aws_ecr_repository.api',
    problem: /^image_scanning_configuration\.scan_on_push is not true$/,
    bad: {
      'aws_ecr_repository.api': {
        name: 'api',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: false },
      },
    },
    good: {
      'aws_ecr_repository.api': {
        name: 'api',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
      },
    },
  },
  'CDX-ECR-002': {
    address: 'aws_ecr_repository.api',
    problem: /^image_tag_mutability is MUTABLE$/,
    bad: {
      'aws_ecr_repository.api': {
        name: 'api',
        image_tag_mutability: 'MUTABLE',
        image_scanning_configuration: [{ scan_on_push: true }],
      },
    },
    good: {
      'aws_ecr_repository.api': {
        name: 'api',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: [{ scan_on_push: true }],
      },
    },
  },
  'CDX-LOG-001': {
    address: 'aws_cloudwatch_log_group.api',
    problem: /^retention_in_days is not set: logs are kept forever$/,
    bad: { 'aws_cloudwatch_log_group.api': { name: '/ecs/api' } },
    good: { 'aws_cloudwatch_log_group.api': { name: '/ecs/api', retention_in_days: 30 } },
  },
  'CDX-LB-001': {
    env: 'staging',
    address: 'aws_lb_listener.http',
    problem: /^the HTTP listener's default action is forward instead of redirect$/,
    bad: { ...lb, 'aws_lb_listener.http': listener('HTTP', 'forward') },
    good: {
      ...lb,
      'aws_lb_listener.http': listener('HTTP', 'redirect'),
      'aws_lb_listener.https': listener('HTTPS', 'forward'),
    },
  },
  'CDX-LB-002': {
    env: 'production',
    address: 'aws_lb.api',
    problem: /^the production load balancer has no HTTPS listener$/,
    bad: { ...lb, 'aws_lb_listener.http': listener('HTTP', 'redirect') },
    good: {
      ...lb,
      'aws_lb_listener.http': listener('HTTP', 'redirect'),
      'aws_lb_listener.https': listener('HTTPS', 'forward'),
      // a production load balancer also needs its web ACL (CDX-LB-005)
      'aws_wafv2_web_acl_association.api': {
        resource_arn: '${aws_lb.api.arn}',
        web_acl_arn: '${aws_wafv2_web_acl.api.arn}',
      },
    },
  },
  'CDX-SEC-003': {
    env: 'production',
    address: 'aws_secretsmanager_secret.s',
    problem: /^the production secret has no aws_secretsmanager_secret_rotation: its value never changes$/,
    bad: { 'aws_secretsmanager_secret.s': { name: 'credex/production/x', kms_key_id: '${aws_kms_key.env.arn}' } },
    good: {
      'aws_secretsmanager_secret.s': { name: 'credex/production/x', kms_key_id: '${aws_kms_key.env.arn}' },
      'aws_secretsmanager_secret_rotation.s': {
        secret_id: '${aws_secretsmanager_secret.s.id}',
        rotation_lambda_arn: '${aws_lambda_function.rotation.arn}',
        rotation_rules: { automatically_after_days: 30 },
      },
    },
  },
  'CDX-KMS-001': {
    env: 'production',
    address: 'aws_sns_topic.alarms',
    problem: /^kms_master_key_id names no customer-managed key: the data is under an AWS-managed key$/,
    bad: { 'aws_sns_topic.alarms': { name: 'credex-alarms-production', kms_master_key_id: 'alias/aws/sns' } },
    good: { 'aws_sns_topic.alarms': { name: 'credex-alarms-production', kms_master_key_id: '${aws_kms_key.env.arn}' } },
  },
  'CDX-KMS-002': {
    address: 'aws_kms_key.env',
    problem: /^enable_key_rotation is not true: the key material never changes$/,
    bad: { 'aws_kms_key.env': { description: 'environment key', enable_key_rotation: false } },
    good: { 'aws_kms_key.env': { description: 'environment key', enable_key_rotation: true } },
  },
  'CDX-LB-005': {
    env: 'production',
    address: 'aws_lb.api',
    problem:
      /^the internet-facing production load balancer has no web ACL \(no aws_wafv2_web_acl_association names it\)$/,
    bad: {
      ...lb,
      'aws_lb_listener.http': listener('HTTP', 'redirect'),
      'aws_lb_listener.https': listener('HTTPS', 'forward'),
    },
    good: {
      ...lb,
      'aws_lb_listener.http': listener('HTTP', 'redirect'),
      'aws_lb_listener.https': listener('HTTPS', 'forward'),
      'aws_wafv2_web_acl_association.api': {
        resource_arn: '${aws_lb.api.arn}',
        web_acl_arn: '${aws_wafv2_web_acl.api.arn}',
      },
    },
  },
  'CDX-GATE-002': {
    // cdktf: a dynamic block over a variable; plan: the same group's change deferred to a later plan.
    address: 'aws_security_group.web',
    problem: /^cannot be judged: .+ — .+/,
    bad: {},
    badDocument: {
      cdktf: {
        resource: {
          aws_security_group: {
            web: {
              dynamic: {
                ingress: { for_each: '${var.rules}', content: tcp(22, 22, { cidr_blocks: ['${ingress.value}'] }) },
              },
            },
          },
        },
      },
      plan: {
        complete: false,
        deferred_changes: [
          { reason: 'resource_config_unknown', resource_change: { address: 'aws_security_group.web', change: {} } },
        ],
      },
    },
    good: { 'aws_security_group.web': { ingress: [tcp(22, 22, { cidr_blocks: ['10.0.0.0/8'] })] } },
  },
};

/**
 * Rules whose violating case cannot go through check(): the host always normalises its input, so CDX-GATE-001
 * (raw Terraform JSON handed to the bundle by another tool) is proved by __tests__/policies/fail-closed.test.ts
 * with the wasm and with opa eval.
 */
export const NOT_THROUGH_THE_HOST: Record<string, string> = {
  'CDX-GATE-001': 'raw input never reaches the bundle through the CLI; see fail-closed.test.ts',
};

describe('policy rules through the wasm bundle', () => {
  test('every rule in the bundle has a violating and a compliant case', () => {
    expect([...Object.keys(CASES), ...Object.keys(NOT_THROUGH_THE_HOST)].sort()).toEqual(
      bundleMetadata()
        .rules.map((r) => r.id)
        .sort(),
    );
  });

  const shapes = [
    ['cdktf', (r: Resources, env: string, extra?: Case['badDocument']) => ({ ...cdktfDoc(r, env), ...extra?.cdktf })],
    ['plan', (r: Resources, _env: string, extra?: Case['badDocument']) => planDoc(r, extra?.plan)],
  ] as const;

  describe.each(Object.entries(CASES))('%s', (id, c) => {
    const env = c.env ?? 'staging';
    const severity = bundleMetadata().rules.find((r) => r.id === id)?.severity;

    test.each(shapes)('violating fixture is found (%s shape)', async (_shape, make) => {
      const report = await check(make(c.bad, env, c.badDocument), env);
      const found = report.findings.filter((f) => f.rule === id);
      expect(found).toEqual([
        expect.objectContaining({
          rule: id,
          address: c.address,
          severity,
          stack: env,
          message: expect.stringMatching(c.problem),
        }),
      ]);
      // What a reader sees (SARIF in code scanning, the text report) names the resource address and the problem.
      const sarif = JSON.parse(renderSarif(report)).runs[0].results.filter((r: { ruleId: string }) => r.ruleId === id);
      expect(sarif.map((r: { message: { text: string } }) => r.message.text)).toEqual([
        `${c.address}: ${found[0].message}`,
      ]);
      expect(renderText(report).split('\n')).toContainEqual(
        expect.stringMatching(new RegExp(`^ +${id} +${escape(c.address)} +${escape(found[0].message)}$`)),
      );
      expect(report.summary.passed).toBe(severity !== 'deny');
    });

    test.each(shapes)('compliant twin has no finding at all (%s shape)', async (_shape, make) => {
      const report = await check(make(c.good, env), env);
      expect(ruleIds(report)).toEqual([]);
    });
  });
});

describe('references are edges, not strings', () => {
  test('a security-group reference on a database port is not a CIDR', async () => {
    const report = await check(
      cdktfDoc({
        'aws_security_group.neo4j': {
          ingress: [tcp(7687, 7687, { security_groups: ['${aws_security_group.task.id}'] })],
        },
      }),
    );
    expect(report.findings).toEqual([]);
  });

  test('a CIDR field holding a reference is still a CIDR source', async () => {
    const report = await check(
      cdktfDoc({
        'aws_security_group.neo4j': { ingress: [tcp(7474, 7474, { cidr_blocks: ['${aws_vpc.main.cidr_block}'] })] },
      }),
    );
    expect(ruleIds(report)).toEqual(['CDX-SG-002']);
    expect(report.findings[0].message).toContain('${aws_vpc.main.cidr_block}');
  });

  test('a JSON policy string with ${...} inside is parsed and judged', async () => {
    const policy =
      '{"Statement":[{"Effect":"Allow","Action":["ecs:UpdateService"],"Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"${aws_s3_bucket.b.arn}/*"}]}';
    const report = await check(cdktfDoc({ 'aws_iam_policy.p': { policy } }));
    expect(ruleIds(report)).toEqual(['CDX-IAM-003']);
    expect(report.findings[0].message).toContain('ecs:UpdateService');
  });

  test('Fn.jsonencode output (${jsonencode({...})}) is read as the document it encodes', async () => {
    const policy =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["s3:*"], "Resource" = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]}]})}';
    const report = await check(cdktfDoc({ 'aws_iam_policy.p': { policy } }));
    expect(ruleIds(report)).toEqual(['CDX-IAM-001']);
  });

  test('a policy referring to a data source is judged by that document, reported at the consumer', async () => {
    const report = await check(
      cdktfDoc({
        'aws_iam_policy.p': { policy: '${data.aws_iam_policy_document.d.json}' },
        'data.aws_iam_policy_document.d': { statement: [{ actions: ['*'], resources: ['*'] }] },
      }),
    );
    expect(report.findings.map((f) => [f.rule, f.address])).toEqual([['CDX-IAM-001', 'aws_iam_policy.p']]);
    expect(report.findings[0].message).toContain('data.aws_iam_policy_document.d');
  });

  test('an unknown resource type is ignored, not an error', async () => {
    const report = await check(cdktfDoc({ 'acme_widget.w': { size: 3 }, 'null_resource.n': {} }));
    expect(report.findings).toEqual([]);
    expect(report.summary.resources).toBe(2);
  });
});

describe.each([
  ['at the root', [] as string[]],
  ['two modules deep', ['a', 'b']],
])('every rule %s of a plan as Terraform writes it (references unknown until apply)', (_where, modules) => {
  const prefix = modules.map((m) => `module.${m}.`).join('');
  describe.each(Object.entries(CASES))('%s', (id, c) => {
    const env = c.env ?? 'staging';
    test('violating case found at its module address; compliant twin has no finding', async () => {
      const bad = await check(modulePlan(c.bad, modules, c.badDocument?.plan), env);
      // A document-level case names the address its document gives.
      expect(bad.findings.filter((f) => f.rule === id).map((f) => f.address)).toEqual([
        c.badDocument ? c.address : prefix + c.address,
      ]);
      const good = await check(modulePlan(c.good, modules), env);
      expect(good.findings.map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
    });
  });
});

describe('every rule in a config whose values all pass through locals', () => {
  describe.each(Object.entries(CASES).filter(([, c]) => !c.badDocument))('%s', (id, c) => {
    const env = c.env ?? 'staging';
    test('violating case found; compliant twin has no finding', async () => {
      const bad = await check(cdktfViaLocals(c.bad, env), env);
      expect(bad.findings.filter((f) => f.rule === id).map((f) => f.address)).toEqual([c.address]);
      const good = await check(cdktfViaLocals(c.good, env), env);
      expect(good.findings.map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
    });
  });
});
