/**
 * Bad input fails loudly with one line naming the problem, never with a narrower or broader policy:
 * an unknown type, a name outside the deployer's scope, an unmapped null_resource command or managed policy,
 * missing default tags, and (through the CLI) stacks that are missing or fail to synthesize.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateForProject } from '../../../tools/iam/files';
import { IamPolicyError } from '../../../tools/iam/generate';
import { repoRoot } from '../../../lib/paths';
import { bundleForTest } from '../../support/bundle';
import { copyStacks, synthesized } from './helpers';

function broken(env: 'staging' | 'production', edit: (json: any) => void) {
  const stacks = copyStacks(synthesized().stacks);
  edit(stacks.find((s) => s.name === env)!.json);
  return stacks;
}

function errorOf(fn: () => unknown): IamPolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IamPolicyError) return e;
    throw e;
  }
  throw new Error('expected an IamPolicyError');
}

describe('iam:policy bad input', () => {
  it.each([
    ['resource', 'aws_kinesis_stream', 'aws_kinesis_stream'],
    ['data', 'aws_rds_cluster', 'data.aws_rds_cluster'],
  ])('an unknown %s type fails naming it: %s', (kind, type, named) => {
    const e = errorOf(() =>
      generateForProject(
        broken('production', (j) => (j[kind] = { ...j[kind], [type]: { x: { name: 'credex-production-x' } } })),
      ),
    );
    expect(e.message).toContain(named);
    expect(e.message).toContain('no action map');
    expect(e.message).toContain('tools/iam/actions/');
    expect(e.message).not.toContain('\n');
  });

  it('a name outside the environment scope fails naming the resource', () => {
    const e = errorOf(() =>
      generateForProject(
        broken('staging', (j) => {
          const alarm = Object.values(j.resource.aws_cloudwatch_metric_alarm)[0] as any;
          alarm.alarm_name = 'credex-production-cpu';
        }),
      ),
    );
    expect(e.message).toMatch(
      /aws_cloudwatch_metric_alarm\.\S+ \(stack staging\): alarm_name "credex-production-cpu" is outside/,
    );
    expect(e.message).toContain('tools/iam/actions/cloudwatch.ts');
  });

  it('a null_resource command without an action map fails', () => {
    const e = errorOf(() =>
      generateForProject(
        broken('staging', (j) => {
          const n = Object.values(j.resource.null_resource)[0] as any;
          n.provisioner[0]['local-exec'].command = 'aws ec2 run-instances --image-id ami-1';
        }),
      ),
    );
    expect(e.message).toContain('null_resource.');
    expect(e.message).toContain('tools/iam/actions/null-resource-commands.ts');
  });

  it('passing a role to a service its trust policy does not name fails', () => {
    const e = errorOf(() =>
      generateForProject(
        broken('staging', (j) => {
          const [flowLogRole] = Object.entries(j.resource.aws_iam_role).find(
            ([, r]: [string, any]) => r.name === 'credex-staging-flow-logs',
          )!;
          const task = Object.values(j.resource.aws_ecs_task_definition)[0] as any;
          task.task_role_arn = `\${aws_iam_role.${flowLogRole}.arn}`;
        }),
      ),
    );
    expect(e.message).toBe(
      "iam:policy: stack staging passes role credex-staging-flow-logs to ecs-tasks.amazonaws.com, but the role's trust policy does not name that service",
    );
  });

  it('an AWS-managed policy the boundary does not know fails', () => {
    const e = errorOf(() =>
      generateForProject(
        broken('production', (j) => {
          const a = Object.values(j.resource.aws_iam_role_policy_attachment)[0] as any;
          a.policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess';
        }),
      ),
    );
    expect(e.message).toContain('AdministratorAccess');
    expect(e.message).toContain('tools/iam/actions/iam.ts');
  });

  it('the failure is a member of the CLI error family: kind input, exit code 2, as fields', () => {
    const e = errorOf(() =>
      generateForProject(
        broken(
          'production',
          (j) => (j.resource = { ...j.resource, aws_kinesis_stream: { x: { name: 'credex-production-x' } } }),
        ),
      ),
    );
    expect(e).toMatchObject({ kind: 'input', exitCode: 2, name: 'IamPolicyError' });
  });

  it('a stack without the project/environment default tags fails (tag scoping depends on them)', () => {
    const e = errorOf(() =>
      generateForProject(broken('staging', (j) => (j.provider.aws[0].default_tags[0].tags.environment = 'production'))),
    );
    expect(e.message).toContain('default_tags');
  });

  describe('the CLI', () => {
    let bundled: string;
    let cli: string;
    let dir: string;
    beforeAll(() => {
      bundled = bundleForTest(['tools/iam/cli.ts']);
      cli = path.join(bundled, 'tools', 'iam', 'cli.js');
      dir = mkdtempSync(path.join(tmpdir(), 'credex-iam-cli-'));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(bundled, { recursive: true, force: true });
    });

    function writeStacks(stacks: { name: string; json: unknown }[]) {
      for (const s of stacks) {
        mkdirSync(path.join(dir, 'stacks', s.name), { recursive: true });
        writeFileSync(path.join(dir, 'stacks', s.name, 'cdk.tf.json'), JSON.stringify(s.json));
      }
    }

    it('exits 2 with one stderr line naming an unknown type, and writes nothing', () => {
      writeStacks(broken('staging', (j) => (j.resource.aws_kinesis_stream = { s: { name: 'credex-staging-s' } })));
      const run = spawnSync(process.execPath, [cli, '--stacks', dir, '--check'], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('aws_kinesis_stream');
      expect(run.stdout).toBe('');
    });

    it('exits 2 when a stack was not synthesized', () => {
      const run = spawnSync(process.execPath, [cli, '--stacks', path.join(dir, 'nothing-here'), '--check'], {
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^iam:policy: .*cdk\.tf\.json does not exist: the \w+ stack was not synthesized\n$/);
    });

    it('--check is 0 on the real stacks and 1 after a type is added', () => {
      writeStacks(copyStacks(synthesized().stacks));
      expect(spawnSync(process.execPath, [cli, '--stacks', dir, '--check'], { encoding: 'utf8' }).status).toBe(0);
      writeStacks(broken('staging', (j) => (j.resource.aws_s3_bucket_versioning = { v: { bucket: 'x' } })));
      const run = spawnSync(process.execPath, [cli, '--stacks', dir, '--check'], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /^iam:policy: .* differ from what the stacks need; run npm run iam:policy and commit\n$/,
      );
    });

    it('--help: exit 0 with the options, examples and exit codes', () => {
      const run = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^usage: npm run -s iam:policy -- /);
      for (const text of ['--check', '--stacks DIR', '--version', 'examples:', 'exit codes:'])
        expect(run.stdout).toContain(text);
      for (const code of ['0', '1', '2']) expect(run.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    });

    it('--version prints the package version', () => {
      const run = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(
        `iam:policy ${JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).version}\n`,
      );
    });

    it('an unknown option: exit 2, one line', () => {
      const run = spawnSync(process.execPath, [cli, '--chek'], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe('iam:policy: unknown option --chek (see --help)\n');
      expect(run.stdout).toBe('');
    });
  });
});
