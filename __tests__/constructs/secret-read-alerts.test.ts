/**
 * The secret-read alert's event pattern, judged by moto's EventBridge rule matching against CloudTrail events in the shape AWS documents for "AWS API Call via CloudTrail"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html), through
 * a rule on moto's default event bus: the expected roles' reads do not match, every other principal's do. And the synthesized rule carries that pattern.
 */
import { secretReadPattern } from '../../constructs/secret-read-alerts';
import { jsonencodeToJson } from '../../policies/engine/hcl';
import { type MotoServer } from '../support/moto';
import { projectStack as synthStack } from '../support/synth';
import { sharedMoto } from '../support/shared-servers';

let moto: MotoServer;
beforeAll(async () => {
  moto = await sharedMoto();
}, 60_000);
afterAll(async () => moto?.stop());

const ACCOUNT = '123456789012';
const REGION = 'af-south-1';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const EXPECTED = [
  role('credex-core-execution-staging'),
  role('credex-staging-neo4j-ledgerspace'),
  role('credex-staging-neo4j-searchspace'),
  role('credex-staging-neo4j-rotation'),
];
const SECRET_ARN = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
const watched = ['credex-core/staging/', 'credex/staging/', 'neo4j_stage_secrets'];
/** This environment's deployers: the OIDC deploy role and the seed's key-based user (their IAM path included). */
const DEPLOY_ROLE = role('credex-deployers/credex-github-deploy-staging');
const DEPLOY_USER = `arn:aws:iam::${ACCOUNT}:user/credex-deployers/credex-core-staging-deployment`;
const pattern = secretReadPattern({
  secretNames: watched,
  expectedRoleArns: EXPECTED,
  deployers: {
    roleArns: [DEPLOY_ROLE],
    userArns: [DEPLOY_USER],
    // Terraform reads back the versions it owns (the Neo4j passwords, the connection secret) at every plan; the
    // app secret holds no Terraform-owned version, so a deployer never needs to read it.
    unexpectedSecretNames: ['credex-core/staging/'],
  },
});
const deployUser = {
  ...{ type: 'IAMUser', principalId: 'AIDAEXAMPLE', accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLE' },
  arn: DEPLOY_USER,
  userName: 'credex-core-staging-deployment',
};

/** A CloudTrail management event as EventBridge delivers it. */
function cloudTrailEvent(
  userIdentity: Record<string, unknown>,
  eventName = 'GetSecretValue',
  requestParameters: Record<string, unknown> = { secretId: SECRET_ARN('neo4j_stage_secrets') },
): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: ACCOUNT,
    time: '2026-12-02T01:00:00Z',
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity,
      eventTime: '2026-12-02T01:00:00Z',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName,
      awsRegion: REGION,
      sourceIPAddress: '10.10.10.21',
      userAgent: 'aws-sdk-js/3.0',
      requestParameters,
      responseElements: null,
      requestID: 'a1b2c3',
      eventID: 'd4e5f6',
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
  };
}

/** userIdentity of a role session (ECS tasks, EC2 instance profiles and Lambda all read as AssumedRole). */
const assumedRole = (roleArn: string, session = 'session-1') => {
  const name = roleArn.split('/').pop()!;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: roleArn, accountId: ACCOUNT, userName: name },
      attributes: { creationDate: '2026-12-02T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
};
const iamUser = (name: string) => ({
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLE',
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLE',
  userName: name,
});
const rootUser = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };

/** One JSON-protocol call to moto (it does not check signatures, only reads the service from the credential scope). */
async function call(service: 'events' | 'sqs', target: string, body: Record<string, unknown>): Promise<any> {
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': service === 'sqs' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      'X-Amz-Target': target,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20261202/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${target}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

let queueUrl: string;
/**
 * moto 5.2.5 answers TestEventPattern with an empty body (not implemented), so the pattern is judged the way
 * EventBridge applies it: a rule on moto's default bus with the pattern and an SQS target; an event "matches" when
 * PutEvents delivers it to the queue (moto's rule matching: prefix, anything-but, $or, exists).
 */
beforeAll(async () => {
  const queue = await call('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'secret-read-alerts' });
  queueUrl = queue.QueueUrl;
  const attrs = await call('sqs', 'AmazonSQS.GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['QueueArn'] });
  await call('events', 'AWSEvents.PutRule', {
    Name: 'credex-staging-secret-reads',
    EventPattern: JSON.stringify(pattern),
    State: 'ENABLED',
  });
  await call('events', 'AWSEvents.PutTargets', {
    Rule: 'credex-staging-secret-reads',
    Targets: [{ Id: 'queue', Arn: attrs.Attributes.QueueArn }],
  });
});

async function matches(event: Record<string, unknown>): Promise<boolean> {
  const out = await call('events', 'AWSEvents.PutEvents', {
    Entries: [
      {
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
        Resources: event.resources,
        Time: Math.floor(Date.parse(String(event.time)) / 1000),
      },
    ],
  });
  if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out)}`);
  const received = await call('sqs', 'AmazonSQS.ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10 });
  const messages: { ReceiptHandle: string }[] = received.Messages ?? [];
  // Empty the queue for the next event (moto delivers synchronously: these are this event's messages).
  for (const m of messages)
    await call('sqs', 'AmazonSQS.DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle });
  return messages.length > 0;
}

describe("the secret-read event pattern (a rule on moto's EventBridge)", () => {
  test.each(EXPECTED)('a read by the expected role %s does not alert', async (arn) => {
    expect(await matches(cloudTrailEvent(assumedRole(arn)))).toBe(false);
  });

  // Every plan and refresh reads the secret versions Terraform owns as the deployer: expected, not an alert each
  // deploy (issue 17, item i).
  test.each([
    ['the deploy role', assumedRole(DEPLOY_ROLE, 'GitHubActions')],
    ["the seed's deployer user", deployUser],
  ])('%s reading a Terraform-owned secret (a plan) does not alert', async (_who, identity) => {
    for (const secretId of ['neo4j_stage_secrets', SECRET_ARN('credex/staging/neo4j/ledgerspace')])
      expect(await matches(cloudTrailEvent(identity, 'GetSecretValue', { secretId }))).toBe(false);
  });

  test.each([
    ['the deploy role', assumedRole(DEPLOY_ROLE, 'GitHubActions')],
    ["the seed's deployer user", deployUser],
  ])('%s reading the app secret, or batch-reading, alerts (Terraform never does)', async (_who, identity) => {
    expect(await matches(cloudTrailEvent(identity, 'GetSecretValue', { secretId: 'credex-core/staging/app' }))).toBe(
      true,
    );
    const batch = { secretIdList: ['neo4j_stage_secrets'] };
    expect(await matches(cloudTrailEvent(identity, 'BatchGetSecretValue', batch))).toBe(true);
  });

  const unexpected: [string, Record<string, unknown>][] = [
    ["the other environment's deploy role", assumedRole(role('credex-deployers/credex-github-deploy-production'))],
    ['a role named like the deploy role outside its path', assumedRole(role('credex-github-deploy-staging'))],
    ['a role of the other environment', assumedRole(role('credex-core-execution-production'))],
    ['an IAM user', iamUser('alice')],
    ['the root user', rootUser],
    [
      'a federated user',
      { type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`, accountId: ACCOUNT },
    ],
  ];
  test.each(unexpected)('a read by %s alerts', async (_what, identity) => {
    expect(await matches(cloudTrailEvent(identity))).toBe(true);
  });

  test.each([
    ['by name', 'credex-core/staging/app'],
    ['by full ARN', SECRET_ARN('credex/staging/neo4j/ledgerspace')],
    ['the seed connection secret by name', 'neo4j_stage_secrets'],
  ])('every way of naming a watched secret matches (%s)', async (_how, secretId) => {
    expect(await matches(cloudTrailEvent(iamUser('alice'), 'GetSecretValue', { secretId }))).toBe(true);
  });

  test("another environment's or another project's secret does not match", async () => {
    for (const secretId of ['credex-core/production/app', SECRET_ARN('other-team/db'), 'neo4j_prod_secrets']) {
      expect(await matches(cloudTrailEvent(iamUser('alice'), 'GetSecretValue', { secretId }))).toBe(false);
    }
  });

  test('any BatchGetSecretValue by an unexpected principal alerts; other Secrets Manager calls do not', async () => {
    const batch = { secretIdList: ['credex-core/staging/app'] };
    expect(await matches(cloudTrailEvent(iamUser('alice'), 'BatchGetSecretValue', batch))).toBe(true);
    expect(await matches(cloudTrailEvent(assumedRole(EXPECTED[0]), 'BatchGetSecretValue', batch))).toBe(false);
    expect(await matches(cloudTrailEvent(iamUser('alice'), 'DescribeSecret'))).toBe(false);
  });
});

describe('the synthesized rule', () => {
  test.each(['staging', 'production'])(
    "%s: the pattern, as deployed, fits EventBridge's default 2,048-character quota",
    (name) => {
      // The provider accepts up to 4,096 characters at plan time; the account's default quota is 2,048 (adjustable):
      // a longer pattern fails PutRule at apply. References become what AWS stores: ARNs with a 12-digit account.
      const stack = synthStack(name);
      const roles = stack.resource.aws_iam_role;
      const json = jsonencodeToJson(String(Object.values(stack.resource.aws_cloudwatch_event_rule)[0].event_pattern))!;
      const deployed = JSON.stringify(JSON.parse(json))
        .replace(
          /\$\{aws_iam_role\.([^.}]+)\.arn\}/g,
          (_m, id: string) => `arn:aws:iam::${ACCOUNT}:role/${roles[id].name}`,
        )
        .split('${data.aws_caller_identity.account.account_id}')
        .join(ACCOUNT)
        .split('${data.aws_partition.partition.partition}')
        .join('aws');
      expect(deployed).not.toContain('${');
      expect(deployed.length).toBeLessThanOrEqual(2048);
    },
  );

  test.each(['staging', 'production'])(
    '%s: matches read-only CloudTrail events and names exactly the expected roles',
    (name) => {
      const stack = synthStack(name);
      const rules = Object.values(stack.resource.aws_cloudwatch_event_rule ?? {});
      expect(rules).toHaveLength(1);
      const rule = rules[0];
      expect(rule.name).toBe(`credex-${name}-secret-reads`);
      // Without this state EventBridge never delivers GetSecretValue (a read-only management event) to the rule.
      expect(rule.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      const text = String(rule.event_pattern);
      for (const expected of [
        'execution-role',
        'neo4j-ledgerspace_role',
        'neo4j-searchspace_role',
        'neo4j-rotation_role',
      ])
        expect(text).toMatch(new RegExp(`aws_iam_role\\.[^.]*${expected}[^.]*\\.arn`));
      expect(text).toContain('anything-but');
      const targets = Object.values(stack.resource.aws_cloudwatch_event_target ?? {});
      expect(targets.map((t) => t.arn)).toEqual([
        expect.stringMatching(/^\$\{aws_sns_topic\.alarm-topic_[A-F0-9]+\.arn\}$/),
      ]);
    },
  );
});
