/**
 * The AWS calls each workload of an environment makes, in one place, derived from the synthesized stacks and from
 * the code that makes them (the constants below are checked against that code by __tests__/tools/iam/
 * effective-permissions.test.ts), with the request context AWS sends. tools/iam/effective.ts judges them against
 * every policy that applies.
 *
 * Workloads: the API's execution role (image pull, logs, the secrets of the task definition's valueFrom) and task
 * role (the app calls no AWS API), CloudWatch Logs encrypting the CMK log groups, the Neo4j rotation function, the
 * Neo4j hosts, the AMI builder instance, the DLM backups, the VPC flow logs, the blue/green infrastructure role,
 * the alarm topic's publishers (CloudWatch alarms, the secret-read EventBridge rule), the account's CloudTrail
 * trail, and the deploy role applying the plan (iam:PassRole of every role the stack hands to a service, its KMS use
 * through Secrets Manager and EBS, key administration, the AMI bake it runs).
 */
import { AMI_MARKER, AMI_MARKER_TAG } from '../../contracts/naming';
import { NEO4J_SPACES } from '../../contracts/neo4j';
import { Call, EstateInput } from './effective';

/** Secrets Manager and ECS commands of functions/neo4j-rotation/rotation.ts, by the secret (or service) they act on. */
export const ROTATION_SDK_CALLS = {
  hostSecret: ['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage'],
  connectionSecret: ['GetSecretValue', 'PutSecretValue'],
  service: ['DescribeServices', 'UpdateService'],
} as const;

/** EC2 commands of the AMI command (tools/ami), which the deploy role runs through the null_resource. */
export const AMI_BAKE_EC2_CALLS = [
  'CreateImage',
  'CreateTags',
  'DeleteSnapshot',
  'DeregisterImage',
  'DescribeImages',
  'DescribeInstances',
  'DescribeSnapshots',
  'RunInstances',
  'StopInstances',
  'TerminateInstances',
] as const;

/** AWS CLI commands of the Neo4j hosts' boot script (constructs/neo4j-user-data.ts). */
export const HOST_BOOT_CLI_CALLS = ['secretsmanager get-secret-value'] as const;

/** EC2 Query API actions the AMI builder instance signs itself (tools/ami/install-neo4j.sh). */
export const BUILDER_INSTANCE_CALLS = ['CreateTags'] as const;

/** The Session Manager agent's calls on an instance (AWS: "Session Manager instance permissions"). */
const SESSION_MANAGER_CALLS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/** Canonical's account, owner of the Ubuntu base images the bake starts from (tools/ami). */
const CANONICAL = '099720109477';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The address a whole-string reference points at ("${aws_iam_role.r.arn}" -> "aws_iam_role.r"). */
export function refAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^\$\{((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}/.exec(value)?.[1];
}

/** Every role reference an attribute holds, with the attribute's path (for PassRole). */
function roleReferences(value: unknown, path: string, out: [string, string][]): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\$\{(aws_iam_(?:role|instance_profile)\.[A-Za-z0-9_-]+)\.(?:arn|name|id)\}/g))
      out.push([path, m[1]]);
  } else if (Array.isArray(value)) value.forEach((v, i) => roleReferences(v, `${path}[${i}]`, out));
  else if (isObject(value))
    for (const [k, v] of Object.entries(value)) roleReferences(v, path ? `${path}.${k}` : k, out);
}

/**
 * Attributes that hand a role to a service: any attribute whose name says role (role, role_arn, iam_role_arn,
 * execution_role_arn, task_role_arn, iam_instance_profile ...) outside IAM's own resources and policy documents,
 * and the instance profile a null_resource command passes on its command line.
 */
const PASSING_ATTRIBUTE = /(^|[._])(role|role_arn|[a-z_]*_role_arn|iam_instance_profile)$/;
const NOT_PASSING_TYPES = /^(aws_iam_|aws_kms_key|aws_.*_policy$|aws_cloudwatch_event_rule)/;

export function workloadCalls(estate: EstateInput, env: string): Call[] {
  const { resources } = estate.input;
  const region = estate.input.region;
  const account = estate.input.account;
  const at = (path: string): string => {
    const address = estate.addresses.get(path);
    if (!address) throw new Error(`workload-calls: no resource at construct path ${path}`);
    return address;
  };
  const values = (address: string): Json => resources[address]?.values ?? {};
  const ofType = (type: string): string[] => Object.keys(resources).filter((a) => resources[a].type === type);
  const ref = (address: string, attr = 'arn'): string => `\${${address}.${attr}}`;
  const calls: Call[] = [];
  const add = (workload: string, call: Omit<Call, 'id'>, what: string): void => {
    calls.push({ id: `${workload}: ${call.action} ${what}`, ...call });
  };
  /** The KMS call Secrets Manager makes for a principal reading (Decrypt) or writing (GenerateDataKey) a secret. */
  const viaSecretsManager = (secret: string) => ({
    'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
    'aws:CalledVia': ['secretsmanager.amazonaws.com'],
    'kms:EncryptionContext:SecretARN': ref(secret),
    'kms:EncryptionContext:SecretVersionId': 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE',
  });
  const keyOf = (address: string): string => {
    const key = refAddress(values(address).kms_key_id);
    if (!key) throw new Error(`workload-calls: ${address} names no KMS key by reference`);
    return key;
  };
  const secretCalls = (workload: string, role: string, secret: string, actions: readonly string[]): void => {
    for (const a of actions) {
      add(workload, { principal: { role }, action: `secretsmanager:${a}`, resource: { address: secret } }, secret);
      const kms = a === 'GetSecretValue' ? 'kms:Decrypt' : a === 'PutSecretValue' ? 'kms:GenerateDataKey' : undefined;
      if (kms)
        add(
          workload,
          {
            principal: { role },
            action: kms,
            resource: { address: keyOf(secret) },
            context: viaSecretsManager(secret),
          },
          `for ${a} of ${secret}`,
        );
    }
  };
  const assumedBy = (workload: string, role: string, service: string): void =>
    add(
      workload,
      {
        principal: { service },
        action: 'sts:AssumeRole',
        resource: { address: role },
        context: { 'aws:SourceAccount': account },
      },
      role,
    );
  const logWrites = (workload: string, role: string, logGroup: string, stream: string, extra: string[] = []): void => {
    for (const a of ['logs:CreateLogStream', 'logs:PutLogEvents', ...extra])
      add(
        workload,
        { principal: { role }, action: a, resource: { address: logGroup, suffix: `:log-stream:${stream}` } },
        logGroup,
      );
  };

  // ---- the API: execution role (what ECS does for the task) and task role --------------------------------------
  const taskDefinition = at(`${env}/api/task`);
  const execution = refAddress(values(taskDefinition).execution_role_arn)!;
  const taskRole = refAddress(values(taskDefinition).task_role_arn)!;
  assumedBy('API execution role', execution, 'ecs-tasks.amazonaws.com');
  assumedBy('API task role', taskRole, 'ecs-tasks.amazonaws.com');
  const containers = JSON.parse(String(values(taskDefinition).container_definitions)) as {
    image: string;
    secrets?: { valueFrom: string }[];
    logConfiguration?: { options?: Record<string, string> };
  }[];
  for (const c of containers) {
    // ECS resolves `<secret-arn>:<json-key>::` with GetSecretValue, which decrypts through Secrets Manager.
    for (const s of c.secrets ?? []) {
      const secret = refAddress(s.valueFrom);
      if (!secret) throw new Error(`workload-calls: valueFrom ${s.valueFrom} names no secret by reference`);
      if (!calls.some((x) => x.id === `API execution role: secretsmanager:GetSecretValue ${secret}`))
        secretCalls('API execution role', execution, secret, ['GetSecretValue']);
    }
    const repository = refAddress(c.image)!;
    add(
      'API execution role',
      { principal: { role: execution }, action: 'ecr:GetAuthorizationToken', resource: { arn: '*' } },
      'of the registry',
    );
    for (const a of ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'])
      add(
        'API execution role',
        { principal: { role: execution }, action: a, resource: { address: repository } },
        repository,
      );
    const logGroup = refAddress(c.logConfiguration?.options?.['awslogs-group']);
    if (logGroup) logWrites('API execution role', execution, logGroup, 'ecs/api/0123456789abcdef');
  }

  // ---- CloudWatch Logs encrypting every log group under a customer-managed key ---------------------------------
  for (const group of ofType('aws_cloudwatch_log_group')) {
    if (!values(group).kms_key_id) continue;
    for (const a of ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'])
      add(
        'CloudWatch Logs',
        {
          principal: { service: `logs.${region}.amazonaws.com` },
          action: a,
          resource: { address: keyOf(group) },
          context: { 'kms:EncryptionContext:aws:logs:arn': ref(group) },
        },
        `for ${group}`,
      );
  }

  // ---- the Neo4j rotation function ---------------------------------------------------------------------------
  const fn = at(`${env}/neo4j-rotation/function`);
  const rotation = refAddress(values(fn).role)!;
  const variables = ((values(fn).environment as Json)?.variables ?? {}) as Record<string, string>;
  assumedBy('rotation', rotation, 'lambda.amazonaws.com');
  const hostSecrets = ofType('aws_secretsmanager_secret_rotation')
    .filter((r) => refAddress(values(r).rotation_lambda_arn) === fn)
    .map((r) => refAddress(values(r).secret_id)!);
  for (const secret of hostSecrets) {
    secretCalls('rotation', rotation, secret, ROTATION_SDK_CALLS.hostSecret);
    add(
      'Secrets Manager invoking the rotation',
      {
        principal: { service: 'secretsmanager.amazonaws.com' },
        action: 'lambda:InvokeFunction',
        resource: { address: fn },
        context: { 'aws:SourceArn': ref(secret), 'aws:SourceAccount': account },
      },
      `for ${secret}`,
    );
  }
  const connection = refAddress(variables.CONNECTION_SECRET_ID)!;
  secretCalls('rotation', rotation, connection, ROTATION_SDK_CALLS.connectionSecret);
  const service = ofType('aws_ecs_service').find((s) => values(s).name === variables.ECS_SERVICE);
  if (!service)
    throw new Error(`workload-calls: the rotation's ECS_SERVICE ${variables.ECS_SERVICE} is not a service of ${env}`);
  for (const a of ROTATION_SDK_CALLS.service)
    add('rotation', { principal: { role: rotation }, action: `ecs:${a}`, resource: { address: service } }, service);
  // What Lambda does with the function's role: its logs, its network interfaces in the VPC, its traces.
  const fnLogGroup = refAddress((values(fn).logging_config as Json)?.log_group)!;
  logWrites('rotation', rotation, fnLogGroup, '2025/01/01/[$LATEST]0123456789abcdef');
  const vpc = (values(fn).vpc_config ?? {}) as { subnet_ids?: string[]; security_group_ids?: string[] };
  const eni = `arn:aws:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`;
  add(
    'rotation',
    { principal: { role: rotation }, action: 'ec2:CreateNetworkInterface', resource: { arn: eni } },
    'network-interface',
  );
  for (const x of [...(vpc.subnet_ids ?? []), ...(vpc.security_group_ids ?? [])])
    add(
      'rotation',
      { principal: { role: rotation }, action: 'ec2:CreateNetworkInterface', resource: { address: refAddress(x)! } },
      refAddress(x)!,
    );
  for (const a of ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'])
    add('rotation', { principal: { role: rotation }, action: a, resource: { arn: eni } }, 'network-interface');
  for (const a of [
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
  ])
    add('rotation', { principal: { role: rotation }, action: a, resource: { arn: '*' } }, '*');

  // ---- the Neo4j hosts ----------------------------------------------------------------------------------------
  for (const space of NEO4J_SPACES) {
    const role = at(`${env}/neo4j-${space}/role/role`);
    const instance = at(`${env}/neo4j-${space}/instance`);
    const secret = at(`${env}/neo4j-${space}/password-secret`);
    const workload = `Neo4j ${space} host`;
    assumedBy(workload, role, 'ec2.amazonaws.com');
    // The boot script reads the host's own password (HOST_BOOT_CLI_CALLS).
    secretCalls(workload, role, secret, ['GetSecretValue']);
    // Session Manager (no SSH): the agent registers the instance and opens the session channels.
    add(
      workload,
      { principal: { role }, action: 'ssm:UpdateInstanceInformation', resource: { address: instance } },
      instance,
    );
    for (const a of SESSION_MANAGER_CALLS)
      add(workload, { principal: { role }, action: a, resource: { arn: '*' } }, '*');
  }

  // ---- the AMI builder instance (signs its own CreateTags: build state) ------------------------------------------
  const builder = at(`${env}/neo4j-ami/builder-role/role`);
  assumedBy('AMI builder instance', builder, 'ec2.amazonaws.com');
  add(
    'AMI builder instance',
    {
      principal: { role: builder },
      action: 'ec2:CreateTags',
      resource: { arn: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0` },
      context: { [`aws:ResourceTag/${AMI_MARKER_TAG}`]: AMI_MARKER },
    },
    'on its own instance',
  );

  // ---- DLM snapshots of the data volumes --------------------------------------------------------------------------
  const dlm = at(`${env}/neo4j-backups/role/role`);
  assumedBy('DLM backups', dlm, 'dlm.amazonaws.com');
  const snapshot = `arn:aws:ec2:${region}::snapshot/snap-0123456789abcdef0`;
  const volumeTags = { 'aws:ResourceTag/environment': env };
  for (const volume of ofType('aws_ebs_volume')) {
    add(
      'DLM backups',
      { principal: { role: dlm }, action: 'ec2:CreateSnapshot', resource: { address: volume } },
      volume,
    );
  }
  add(
    'DLM backups',
    { principal: { role: dlm }, action: 'ec2:CreateSnapshot', resource: { arn: snapshot } },
    'snapshot',
  );
  add(
    'DLM backups',
    {
      principal: { role: dlm },
      action: 'ec2:CreateTags',
      resource: { arn: snapshot },
      context: { 'ec2:CreateAction': 'CreateSnapshot' },
    },
    'snapshot',
  );
  add(
    'DLM backups',
    { principal: { role: dlm }, action: 'ec2:DeleteSnapshot', resource: { arn: snapshot }, context: volumeTags },
    'snapshot',
  );
  for (const a of ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeInstances'])
    add('DLM backups', { principal: { role: dlm }, action: a, resource: { arn: '*' } }, '*');

  // ---- VPC flow logs ---------------------------------------------------------------------------------------------
  for (const flowLog of ofType('aws_flow_log')) {
    const role = refAddress(values(flowLog).iam_role_arn)!;
    const group = refAddress(values(flowLog).log_destination)!;
    assumedBy('VPC flow logs', role, 'vpc-flow-logs.amazonaws.com');
    logWrites('VPC flow logs', role, group, 'eni-0123456789abcdef0-all', ['logs:DescribeLogStreams']);
  }

  // ---- the blue/green infrastructure role (ECS shifts traffic with it) ------------------------------------------
  for (const lb of [values(service).load_balancer].flat() as Json[]) {
    const advanced = lb?.advanced_configuration as Record<string, string> | undefined;
    if (!advanced) continue;
    const role = refAddress(advanced.role_arn)!;
    assumedBy('blue/green role', role, 'ecs.amazonaws.com');
    const rules = [advanced.production_listener_rule, advanced.test_listener_rule].map((r) => refAddress(r)!);
    const listeners = rules.map((r) => refAddress(values(r).listener_arn)!);
    for (const r of rules)
      add(
        'blue/green role',
        { principal: { role }, action: 'elasticloadbalancing:ModifyRule', resource: { address: r } },
        r,
      );
    for (const l of listeners)
      add(
        'blue/green role',
        { principal: { role }, action: 'elasticloadbalancing:ModifyListener', resource: { address: l } },
        l,
      );
    for (const tg of [lb.target_group_arn as string, advanced.alternate_target_group_arn].map((t) => refAddress(t)!))
      for (const a of ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'])
        add('blue/green role', { principal: { role }, action: a, resource: { address: tg } }, tg);
    for (const a of ['DescribeListeners', 'DescribeRules', 'DescribeTargetGroups', 'DescribeTargetHealth'])
      add('blue/green role', { principal: { role }, action: `elasticloadbalancing:${a}`, resource: { arn: '*' } }, '*');
  }

  // ---- publishers to the encrypted alarm topic ------------------------------------------------------------------
  const topicKey = (topic: string): string => {
    const key = refAddress(values(topic).kms_master_key_id);
    if (!key) throw new Error(`workload-calls: ${topic} names no KMS key by reference`);
    return key;
  };
  const topicKms = (workload: string, service: string, topic: string, source: Record<string, string>): void => {
    for (const a of ['kms:GenerateDataKey', 'kms:Decrypt'])
      add(
        workload,
        {
          principal: { service },
          action: a,
          resource: { address: topicKey(topic) },
          context: { ...source, 'kms:EncryptionContext:aws:sns:topicArn': ref(topic) },
        },
        `for ${topic}`,
      );
  };
  for (const target of ofType('aws_cloudwatch_event_target')) {
    const topic = refAddress(values(target).arn)!;
    if (resources[topic]?.type !== 'aws_sns_topic') continue;
    const rule = refAddress(values(target).rule)!;
    add(
      'EventBridge rule',
      {
        principal: { service: 'events.amazonaws.com' },
        action: 'sns:Publish',
        resource: { address: topic },
        context: { 'aws:SourceArn': ref(rule), 'aws:SourceAccount': account },
      },
      topic,
    );
    // EventBridge's KMS calls for an encrypted topic carry no aws:SourceAccount / aws:SourceArn (item f).
    topicKms('EventBridge rule', 'events.amazonaws.com', topic, {});
  }
  const alarm = ofType('aws_cloudwatch_metric_alarm').find((a) =>
    [values(a).alarm_actions].flat().some((x) => resources[refAddress(x) ?? '']?.type === 'aws_sns_topic'),
  );
  if (alarm) {
    const topic = refAddress([values(alarm).alarm_actions].flat()[0])!;
    const source = { 'aws:SourceArn': ref(alarm), 'aws:SourceAccount': account };
    add(
      'CloudWatch alarms',
      {
        principal: { service: 'cloudwatch.amazonaws.com' },
        action: 'sns:Publish',
        resource: { address: topic },
        context: source,
      },
      topic,
    );
    topicKms('CloudWatch alarms', 'cloudwatch.amazonaws.com', topic, source);
  }

  // ---- the account's CloudTrail trail (global stack) -------------------------------------------------------------
  for (const trail of ofType('aws_cloudtrail')) {
    const key = refAddress(values(trail).kms_key_id)!;
    const bucket = refAddress(values(trail).s3_bucket_name)!;
    const source = { 'aws:SourceArn': ref(trail), 'aws:SourceAccount': account };
    const principal = { service: 'cloudtrail.amazonaws.com' };
    // CreateTrail checks the key with DescribeKey (no encryption context), then encrypts each log file.
    add('CloudTrail', { principal, action: 'kms:DescribeKey', resource: { address: key }, context: source }, key);
    add(
      'CloudTrail',
      {
        principal,
        action: 'kms:GenerateDataKey',
        resource: { address: key },
        context: { ...source, 'kms:EncryptionContext:aws:cloudtrail:arn': ref(trail) },
      },
      key,
    );
    add('CloudTrail', { principal, action: 's3:GetBucketAcl', resource: { address: bucket }, context: source }, bucket);
    add(
      'CloudTrail',
      {
        principal,
        action: 's3:PutObject',
        resource: { address: bucket, suffix: `/AWSLogs/${account}/CloudTrail/${region}/2025/01/01/file.json.gz` },
        context: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' },
      },
      bucket,
    );
  }

  // ---- the deploy role applying the plan --------------------------------------------------------------------------
  const deployer = at(`global/github-oidc/role-${env}`);
  const trustService = (role: string): string => {
    const trust = JSON.stringify(resources[role]?.values ?? {});
    const match = /"(?:identifiers|Service)":\s*\[?"([a-z0-9.-]+\.amazonaws\.com)"/.exec(trust);
    const doc = refAddress(values(role).assume_role_policy);
    const viaDoc = doc ? /"identifiers":\["([a-z0-9.-]+\.amazonaws\.com)"/.exec(JSON.stringify(values(doc))) : null;
    const service = viaDoc?.[1] ?? match?.[1];
    if (!service) throw new Error(`workload-calls: ${role} trusts no AWS service`);
    return service;
  };
  const passed = new Map<string, string>();
  for (const [address, r] of Object.entries(resources)) {
    if (r.mode !== 'managed' || NOT_PASSING_TYPES.test(r.type)) continue;
    const refs: [string, string][] = [];
    roleReferences(r.values, '', refs);
    for (const [path, target] of refs) {
      const command = /provisioner/.test(path) && /--instance-profile \$\{/.test(JSON.stringify(r.values));
      if (!PASSING_ATTRIBUTE.test(path) && !command) continue;
      const role = target.startsWith('aws_iam_instance_profile.') ? refAddress(values(target).role)! : target;
      passed.set(role, `${address}.${path}`);
    }
  }
  for (const [role, where] of [...passed].sort()) {
    add(
      'deploy role',
      {
        principal: { role: deployer },
        action: 'iam:PassRole',
        resource: { address: role },
        context: { 'iam:PassedToService': trustService(role) },
      },
      `${role} (${where})`,
    );
  }
  const envKey = at(`${env}/kms-key/key`);
  const requestTags = {
    'aws:RequestTag/project': String((values(envKey).tags_all as Json)?.project ?? ''),
    'aws:RequestTag/environment': env,
    'aws:TagKeys': ['project', 'environment', 'managed-by'],
  };
  add(
    'deploy role',
    { principal: { role: deployer }, action: 'kms:CreateKey', resource: { arn: '*' }, context: requestTags },
    'environment key',
  );
  for (const a of [
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:ListResourceTags',
    'kms:PutKeyPolicy',
    'kms:EnableKeyRotation',
    'kms:ScheduleKeyDeletion',
    'kms:CreateAlias',
  ])
    add('deploy role', { principal: { role: deployer }, action: a, resource: { address: envKey } }, envKey);
  add(
    'deploy role',
    { principal: { role: deployer }, action: 'kms:TagResource', resource: { address: envKey }, context: requestTags },
    envKey,
  );
  // Secrets: created under the key, their Terraform-owned versions written and read back at every refresh.
  for (const secret of ofType('aws_secretsmanager_secret').filter((s) => values(s).kms_key_id)) {
    add(
      'deploy role',
      {
        principal: { role: deployer },
        action: 'kms:DescribeKey',
        resource: { address: keyOf(secret) },
        context: viaSecretsManager(secret),
      },
      `for ${secret}`,
    );
  }
  for (const version of ofType('aws_secretsmanager_secret_version')) {
    const secret = refAddress(values(version).secret_id)!;
    secretCalls('deploy role', deployer, secret, ['PutSecretValue', 'GetSecretValue']);
  }
  // Encrypted EBS volumes (data volumes, the hosts' root volumes): EC2 uses the key on the deployer's behalf.
  const viaEc2 = { 'kms:ViaService': `ec2.${region}.amazonaws.com`, 'aws:CalledVia': ['ec2.amazonaws.com'] };
  for (const a of [
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
  ])
    add(
      'deploy role',
      { principal: { role: deployer }, action: a, resource: { address: envKey }, context: viaEc2 },
      'for EBS volumes',
    );
  add(
    'deploy role',
    {
      principal: { role: deployer },
      action: 'kms:CreateGrant',
      resource: { address: envKey },
      context: { ...viaEc2, 'kms:GrantIsForAWSResource': 'true' },
    },
    'for EBS volumes',
  );
  // The AMI bake (null_resource local-exec, AMI_BAKE_EC2_CALLS): builder instance, image, cleanup.
  const subnet = refAddress(
    /--subnet-id (\$\{[^}]+\})/.exec(JSON.stringify(values(at(`${env}/neo4j-ami/neo4j_ami_management`))))?.[1],
  )!;
  const ec2Arn = (type: string, id: string): string => `arn:aws:ec2:${region}:${account}:${type}/${id}`;
  const image = `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`;
  const marker = { [`aws:RequestTag/${AMI_MARKER_TAG}`]: AMI_MARKER };
  const managed = { [`aws:ResourceTag/${AMI_MARKER_TAG}`]: AMI_MARKER };
  const bake = (action: string, resource: Call['resource'], context: Record<string, string | string[]>, what: string) =>
    add('deploy role (AMI bake)', { principal: { role: deployer }, action: `ec2:${action}`, resource, context }, what);
  bake('RunInstances', { arn: ec2Arn('instance', 'i-0123456789abcdef0') }, marker, 'instance');
  bake('RunInstances', { arn: ec2Arn('volume', 'vol-0123456789abcdef0') }, marker, 'volume');
  bake('RunInstances', { address: subnet }, {}, subnet);
  bake(
    'RunInstances',
    { arn: ec2Arn('network-interface', 'eni-0123456789abcdef0') },
    { 'ec2:AssociatePublicIpAddress': 'false' },
    'network-interface',
  );
  bake(
    'RunInstances',
    { arn: ec2Arn('security-group', 'sg-0123456789abcdef0') },
    { 'aws:ResourceTag/project': 'credex' },
    'security-group',
  );
  bake('RunInstances', { arn: image }, { 'ec2:Owner': CANONICAL }, 'base image');
  bake(
    'CreateTags',
    { arn: ec2Arn('instance', 'i-0123456789abcdef0') },
    { 'ec2:CreateAction': 'RunInstances' },
    'instance at launch',
  );
  bake('CreateImage', { arn: ec2Arn('instance', 'i-0123456789abcdef0') }, managed, 'builder instance');
  bake('CreateImage', { arn: image }, marker, 'image');
  bake('CreateTags', { arn: image }, { 'ec2:CreateAction': 'CreateImage' }, 'image at creation');
  bake('CreateTags', { arn: image }, managed, 'tested image');
  for (const a of ['StopInstances', 'TerminateInstances'])
    bake(a, { arn: ec2Arn('instance', 'i-0123456789abcdef0') }, managed, 'builder instance');
  bake('DeregisterImage', { arn: image }, managed, 'old image');
  bake('DeleteSnapshot', { arn: `arn:aws:ec2:${region}::snapshot/snap-0123456789abcdef0` }, managed, 'old snapshot');
  for (const a of ['DescribeImages', 'DescribeInstances', 'DescribeSnapshots']) bake(a, { arn: '*' }, {}, '*');
  return calls;
}
