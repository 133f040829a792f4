/**
 * Every AWS CLI command the deployer guide tells a deployer to run is allowed by the deployers' own policies
 * (issue 20 day 4): the commands are read from docs/deployer-guide.md itself, each is turned into the IAM calls it
 * makes, and the gate's effective-permissions evaluator (tools/iam/effective.ts) judges them for the OIDC deploy role
 * of the environment the command names (identity policies AND boundary AND resource policy). A command the guide
 * gains without an entry here fails the test, unless it is listed as an administrator's.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../../lib/paths';
import { Call, estateInput, EstateInput, evaluateCalls } from '../../../tools/iam/effective';
import { projectStack } from '../../support/synth';

const guide = readFileSync(path.join(repoRoot(), 'docs', 'deployer-guide.md'), 'utf8');

/** Commands only an administrator runs (the bootstrap, the deployer identities, one-time migrations). */
const ADMINISTRATOR: Record<string, string> = {
  's3api create-bucket': 'the state bucket, bootstrap (2.1)',
  's3api put-bucket-versioning': 'the state bucket, bootstrap (2.1)',
  's3api put-bucket-encryption': 'the state bucket, bootstrap (2.1)',
  's3api put-public-access-block': 'the state bucket, bootstrap (2.1)',
  'iam create-access-key': "the deployer users' keys (2.3)",
  'iam list-access-keys': "the deployer users' keys (2.3)",
  'iam delete-access-key': "the deployer users' keys (2.3)",
  'iam list-open-id-connect-providers': 'the global stack (2.2)',
  'iam get-role': "the deploy roles' trust, in the global stack (troubleshooting)",
  'route53 list-hosted-zones-by-name': "finding the API's hosted zone id for config (5, the API's DNS name)",
  'ec2 copy-snapshot': 'the one-time re-encryption of a data volume under the environment key (3.3)',
  'secretsmanager get-secret-value':
    'named only as what raises a secret-read alert (3.4); no runbook step reads a value',
};

type Env = 'staging' | 'production';
const REGION = 'af-south-1';
type CallSpec = Omit<Call, 'id' | 'principal'>;

/** ec2 describe-images -> ec2:DescribeImages */
const actionOf = (command: string): string => {
  const [service, verb] = command.split(' ');
  return `${service}:${verb.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
};

/** The IAM calls one guide command makes, as the deploy role of `env`; `args` is the rest of its line. */
function callsOf(command: string, args: string, env: Env, account: string): CallSpec[] {
  const arg = (name: string) =>
    new RegExp(`--${name}[ =]+"?([^\\s"]+)`).exec(args)?.[1]?.replace(/<env>/g, env).replace(/\$env/g, env);
  const placeholder = (v: string | undefined) => v === undefined || /^[<$]/.test(v);
  const secret = () => {
    const id = arg('secret-id');
    const name = placeholder(id) ? `credex/${env}/neo4j/ledgerspace` : id!;
    return { arn: `arn:aws:secretsmanager:${REGION}:${account}:secret:${name}-AbCdEf` };
  };
  const logGroup = () => {
    const name = arg('log-group-name') ?? /^\s*(\S+)/.exec(args)?.[1]?.replace(/<env>/g, env);
    return `arn:aws:logs:${REGION}:${account}:log-group:${name}`;
  };
  const service = () => {
    const cluster = placeholder(arg('cluster')) ? `credex-cluster-${env}` : arg('cluster');
    const svc = arg('service') ?? arg('services');
    return {
      arn: `arn:aws:ecs:${REGION}:${account}:service/${cluster}/${placeholder(svc) ? `credex-core-service-${env}` : svc}`,
    };
  };
  const star = { arn: '*' };
  const snapshot = { arn: `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0` };
  switch (command) {
    case 'sts get-caller-identity':
    case 'acm list-certificates':
    case 'cloudtrail lookup-events':
    case 'ecs describe-task-definition':
    case 'ec2 describe-images':
    case 'ec2 describe-snapshots':
    case 'ec2 describe-volumes':
    case 'ec2 describe-instances':
      return [{ action: actionOf(command), resource: star }];
    case 'ecr describe-images':
      return [
        { action: 'ecr:DescribeImages', resource: { arn: `arn:aws:ecr:${REGION}:${account}:repository/credex-core` } },
      ];
    case 'ecs update-service':
    case 'ecs describe-services':
    case 'ecs list-service-deployments':
      return [{ action: actionOf(command), resource: service() }];
    case 'ecs wait': // services-stable polls DescribeServices
      return [{ action: 'ecs:DescribeServices', resource: service() }];
    case 'logs tail': // FilterLogEvents; with --follow the CLI starts a live tail
      return [
        { action: 'logs:FilterLogEvents', resource: { arn: `${logGroup()}:*` } },
        { action: 'logs:StartLiveTail', resource: { arn: logGroup() } },
      ];
    case 'logs filter-log-events':
      return [{ action: 'logs:FilterLogEvents', resource: { arn: `${logGroup()}:*` } }];
    case 'secretsmanager describe-secret':
    case 'secretsmanager rotate-secret':
    case 'secretsmanager list-secret-version-ids':
    case 'secretsmanager update-secret-version-stage':
      return [{ action: actionOf(command), resource: secret() }];
    case 'ssm start-session':
      return [
        {
          action: 'ssm:StartSession',
          resource: { arn: `arn:aws:ec2:${REGION}:${account}:instance/i-0123456789abcdef0` },
          context: { 'ssm:resourceTag/environment': env },
        },
        {
          action: 'ssm:StartSession',
          resource: { arn: `arn:aws:ssm:${REGION}::document/AWS-StartPortForwardingSession` },
        },
      ];
    case 'ec2 create-snapshot':
      return [
        {
          action: 'ec2:CreateSnapshot',
          resource: { arn: `arn:aws:ec2:${REGION}:${account}:volume/vol-0123456789abcdef0` },
          context: { 'aws:ResourceTag/environment': env },
        },
        {
          action: 'ec2:CreateSnapshot',
          resource: snapshot,
          context: {
            'aws:RequestTag/environment': env,
            'aws:RequestTag/project': 'credex',
            'aws:TagKeys': ['project', 'environment'],
          },
        },
        {
          action: 'ec2:CreateTags',
          resource: snapshot,
          context: { 'ec2:CreateAction': 'CreateSnapshot', 'aws:RequestTag/environment': env },
        },
      ];
    default:
      throw new Error(`no IAM mapping for "aws ${command}": add it to runbook-commands.test.ts`);
  }
}

interface GuideCommand {
  readonly command: string;
  readonly args: string;
  readonly line: number;
  readonly envs: Env[];
}

/** Every `aws <service> <command> …` in the guide, with the environment it names (none or `<env>`: both). */
function guideCommands(): GuideCommand[] {
  const found: GuideCommand[] = [];
  guide.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\baws ([a-z0-9-]+) ([a-z0-9-]+)([^`\n]*)/g)) {
      const rest = m[3];
      const envs: Env[] = /production/.test(rest)
        ? ['production']
        : /staging/.test(rest)
          ? ['staging']
          : ['staging', 'production'];
      found.push({ command: `${m[1]} ${m[2]}`, args: rest, line: i + 1, envs });
    }
  });
  return found;
}

const estates: Partial<Record<Env, EstateInput>> = {};
const estate = (env: Env): EstateInput =>
  (estates[env] ??= estateInput([
    { name: env, json: projectStack(env) as unknown as Record<string, unknown> },
    { name: 'global', json: projectStack('global') as unknown as Record<string, unknown> },
  ]));

describe("the deployer guide's AWS commands, with the deployers' own permissions", () => {
  const commands = guideCommands();

  test('the guide has runbook commands, each mapped to its calls or an administrator one', () => {
    expect(commands.length).toBeGreaterThan(20);
    const unmapped = commands.filter((c) => {
      if (ADMINISTRATOR[c.command]) return false;
      try {
        callsOf(c.command, c.args, 'staging', '1');
        return false;
      } catch {
        return true;
      }
    });
    expect(unmapped.map((c) => `line ${c.line}: aws ${c.command}`)).toEqual([]);
    // the ones issue 20 found denied: reading a rotation failure, who read a secret, the snapshot before an upgrade
    const names = new Set(commands.map((c) => c.command));
    for (const must of ['logs tail', 'cloudtrail lookup-events', 'ec2 create-snapshot']) expect(names).toContain(must);
  });

  test.each(['staging', 'production'] as Env[])(
    '%s: every deployer command is allowed for the deploy role',
    async (env) => {
      const e = estate(env);
      const role = e.addresses.get(`global/github-oidc/role-${env}`)!;
      expect(role).toBeDefined();
      const calls: Call[] = [];
      for (const c of commands.filter((x) => !ADMINISTRATOR[x.command] && x.envs.includes(env)))
        callsOf(c.command, c.args, env, e.input.account).forEach((call, n) =>
          calls.push({ ...call, id: `line ${c.line}: aws ${c.command} (${call.action}) #${n}`, principal: { role } }),
        );
      expect(calls.length).toBeGreaterThan(15);
      const refused = (await evaluateCalls(e, calls))
        .filter((d) => !d.allowed)
        .map((d) => `${d.id} -> ${d.decision} on ${d.resource}${(d.problems ?? []).map((p) => `; ${p}`).join('')}`);
      expect(refused).toEqual([]);
    },
    180_000,
  );

  test('the evaluator refuses what a staging deployer may not do (so the test above can fail)', async () => {
    const e = estate('staging');
    const role = e.addresses.get('global/github-oidc/role-staging')!;
    const account = e.input.account;
    const decisions = await evaluateCalls(e, [
      {
        id: "production's rotation log",
        principal: { role },
        action: 'logs:FilterLogEvents',
        resource: { arn: `arn:aws:logs:${REGION}:${account}:log-group:/aws/lambda/credex-production-neo4j-rotation:*` },
      },
      {
        id: "a production volume's snapshot",
        principal: { role },
        action: 'ec2:CreateSnapshot',
        resource: { arn: `arn:aws:ec2:${REGION}:${account}:volume/vol-0123456789abcdef0` },
        context: { 'aws:ResourceTag/environment': 'production' },
      },
      {
        id: 'an untagged snapshot',
        principal: { role },
        action: 'ec2:CreateSnapshot',
        resource: { arn: `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0` },
        context: {},
      },
    ]);
    expect(decisions.map((d) => [d.id, d.allowed])).toEqual([
      ["production's rotation log", false],
      ["a production volume's snapshot", false],
      ['an untagged snapshot', false],
    ]);
  }, 60_000);
});
