/**
 * Generated `terraform show -json` plans for the gate's scale figures (`npm run bench`): `resources` resources of
 * the estate's kinds (VPCs with flow logs, security groups and their rules, IAM roles with policies, log groups, ECS
 * task definitions and clusters, load balancers with listeners, instances, ECR repositories, subnets), with known
 * violations planted at a fixed rate, so the bench can check that the gate found exactly those.
 *
 * Units of ten resources; unit k plants one violation when k % VIOLATION_EVERY === 0, rotating over the kinds below.
 * The expected findings per rule id come back with the plan.
 */

type Json = Record<string, unknown>;

export interface GeneratedPlan {
  readonly plan: Json;
  readonly resources: number;
  /** Expected deny/warn findings per rule id. */
  readonly expected: Record<string, number>;
}

/** Every how many units one violation is planted. */
export const VIOLATION_EVERY = 10;

/** The planted violations, in rotation: the rule each one must trigger (once). */
const PLANTS = [
  'CDX-SG-005', // SSH from two halves of the IPv4 space (0.0.0.0/1 + 128.0.0.0/1)
  'CDX-IAM-001', // s3:* in a role policy
  'CDX-LOG-001', // log group without retention
  'CDX-EC2-001', // instance without IMDSv2
  'CDX-ECR-002', // mutable tags
  'CDX-SEC-001', // a literal password in a container environment
  'CDX-NET-002', // VPC without flow log
  'CDX-ECS-002', // cluster without Container Insights
] as const;

const policy = (statements: Json[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

function unit(k: number, plant: string | undefined): { address: string; type: string; name: string; values: Json }[] {
  const id = (prefix: string) => `${prefix}-${k.toString(16).padStart(8, '0')}`;
  const vpcId = id('vpc');
  const sgId = id('sg');
  const lbArn = `arn:aws:elasticloadbalancing:af-south-1:123456789012:loadbalancer/app/lb${k}/${k}`;
  const out: { address: string; type: string; name: string; values: Json }[] = [];
  const add = (type: string, name: string, values: Json) =>
    out.push({ address: `${type}.${name}`, type, name, values });

  add('aws_vpc', `vpc_${k}`, { id: vpcId, cidr_block: '10.0.0.0/16', tags: { environment: 'staging' } });
  if (plant !== 'CDX-NET-002')
    add('aws_flow_log', `flow_${k}`, { vpc_id: vpcId, traffic_type: 'ALL', log_destination: `arn:log:${k}` });
  else add('aws_subnet', `extra_${k}`, { vpc_id: vpcId, cidr_block: '10.0.9.0/24', map_public_ip_on_launch: false });
  add('aws_security_group', `sg_${k}`, {
    id: sgId,
    vpc_id: vpcId,
    ingress: [
      { protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [] },
      // SSH from a bastion group and from the private network open nothing to the internet: never blamed, even in
      // the group where the planted rule opens port 22.
      { protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: [], security_groups: [id('sg-bastion')] },
      { protocol: '6', from_port: 22, to_port: 22, cidr_blocks: ['10.0.0.0/8'] },
      ...(plant === 'CDX-SG-005'
        ? [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/1', '128.0.0.0/1'] }]
        : []),
    ],
    egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
  });
  add('aws_vpc_security_group_ingress_rule', `bolt_${k}`, {
    security_group_id: sgId,
    ip_protocol: 'tcp',
    from_port: 7687,
    to_port: 7687,
    referenced_security_group_id: id('sg-task'),
  });
  add('aws_iam_role', `role_${k}`, {
    name: `role-${k}`,
    arn: `arn:aws:iam::123456789012:role/role-${k}`,
    assume_role_policy: policy([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
    ]),
  });
  add('aws_iam_role_policy', `policy_${k}`, {
    role: `role-${k}`,
    policy: policy([
      {
        Effect: 'Allow',
        Action: plant === 'CDX-IAM-001' ? 's3:*' : ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::bucket-${k}/*`,
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]),
  });
  add('aws_cloudwatch_log_group', `logs_${k}`, {
    name: `/ecs/app-${k}`,
    ...(plant === 'CDX-LOG-001' ? {} : { retention_in_days: 30 }),
  });
  add('aws_ecs_task_definition', `task_${k}`, {
    family: `app-${k}`,
    container_definitions: JSON.stringify([
      {
        name: 'api',
        image: `123456789012.dkr.ecr.af-south-1.amazonaws.com/api:${k}`,
        readonlyRootFilesystem: true,
        environment: [
          { name: 'NODE_ENV', value: 'production' },
          ...(plant === 'CDX-SEC-001' ? [{ name: 'NEO4J_PASSWORD', value: 'correct-horse-battery' }] : []),
        ],
        secrets: [{ name: 'NEO4J_LEDGER_SPACE_PASS', valueFrom: `arn:aws:secretsmanager:af-south-1:1:secret:s${k}` }],
      },
    ]),
  });
  if (k % 2 === 0) {
    add('aws_lb', `lb_${k}`, {
      arn: lbArn,
      load_balancer_type: 'application',
      internal: false,
      drop_invalid_header_fields: true,
    });
    add('aws_lb_listener', `http_${k}`, {
      load_balancer_arn: lbArn,
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'redirect', redirect: [{ protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' }] }],
    });
  } else {
    add('aws_instance', `host_${k}`, {
      ami: 'ami-1',
      instance_type: 't3.micro',
      associate_public_ip_address: false,
      metadata_options: [{ http_tokens: plant === 'CDX-EC2-001' ? 'optional' : 'required' }],
      root_block_device: [{ encrypted: true }],
    });
    add('aws_ecs_cluster', `cluster_${k}`, {
      name: `c${k}`,
      setting: [{ name: 'containerInsights', value: plant === 'CDX-ECS-002' ? 'disabled' : 'enabled' }],
    });
  }
  add('aws_ecr_repository', `repo_${k}`, {
    name: `repo-${k}`,
    image_tag_mutability: plant === 'CDX-ECR-002' ? 'MUTABLE' : 'IMMUTABLE',
    image_scanning_configuration: [{ scan_on_push: true }],
  });
  return out;
}

/**
 * A plan of about `resources` resources (whole units of ten) with planted violations; `expected` counts them per
 * rule. Plants that need an instance unit (odd k) go on the cycle's second unit.
 */
export function generatePlan(resources: number): GeneratedPlan {
  const all: { address: string; type: string; name: string; values: Json }[] = [];
  const expected: Record<string, number> = {};
  for (let k = 0; all.length < resources; k++) {
    // Cycle c covers units 10c..10c+9; its plant goes on unit 10c, or 10c+1 when it needs an instance unit (odd k).
    const cycle = Math.floor(k / VIOLATION_EVERY);
    const candidate = PLANTS[cycle % PLANTS.length];
    const slot = candidate === 'CDX-EC2-001' || candidate === 'CDX-ECS-002' ? 1 : 0;
    const plant = k % VIOLATION_EVERY === slot ? candidate : undefined;
    if (plant) expected[plant] = (expected[plant] ?? 0) + 1;
    all.push(...unit(k, plant));
  }
  const plan: Json = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: all.map((r) => ({
          address: r.address,
          mode: 'managed',
          type: r.type,
          name: r.name,
          provider_name: 'registry.terraform.io/hashicorp/aws',
          schema_version: 0,
          values: r.values,
        })),
      },
    },
    resource_changes: all.map((r) => ({
      address: r.address,
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: r.values, after_unknown: {}, after_sensitive: {} },
    })),
  };
  return { plan, resources: all.length, expected };
}

/** One policy document of `statements` statements, for the single-document figure. */
export function largePolicyPlan(statements: number): Json {
  const doc = policy(
    Array.from({ length: statements }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    })),
  );
  return {
    format_version: '1.2',
    planned_values: {
      root_module: {
        resources: [
          {
            address: 'aws_iam_policy.big',
            mode: 'managed',
            type: 'aws_iam_policy',
            name: 'big',
            values: { name: 'big', policy: doc },
          },
        ],
      },
    },
    resource_changes: [],
  };
}

/** A JSON text nested `depth` levels inside one resource's values: `{"a":{"a":...}}`. */
export function deepPlanText(depth: number): string {
  const head =
    '{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.deep",' +
    '"mode":"managed","type":"aws_s3_bucket","name":"deep","values":{"tags":';
  return head + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}}]}},"resource_changes":[]}';
}
