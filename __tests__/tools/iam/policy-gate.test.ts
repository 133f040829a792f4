/**
 * The generated policies pass the project's policy gate (`npm run policy-check`, issue 4) with no deny finding
 * and no waiver: the documents as committed (wrapped as aws_iam_policy resources) and the synthesized `global`
 * stack that deploys them. Skipped only while policies/cli.ts does not exist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { renderPolicyDocument } from '../../../constructs/deployers';
import { parseDeployerPolicySet } from '../../../contracts/deployer-policies';
import committed from '../../../generated/deployer-policies.json';
import { repoRoot } from '../../../lib/paths';
import { synthesized } from '../../support/iam';

const committedDeployerPolicies = parseDeployerPolicySet(committed);

const root = repoRoot();
const gate = existsSync(path.join(root, 'policies', 'cli.ts')) ? describe : describe.skip;

interface Report {
  findings: { rule: string; severity: string; address: string; message: string }[];
  waivers: unknown[];
}

function check(file: string): { status: number | null; report: Report } {
  const run = spawnSync('npm', ['run', '-s', 'policy-check', '--', '--input', file, '--format', 'json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status === 2 || !run.stdout.trim().startsWith('{'))
    throw new Error(`policy-check could not judge ${file}: ${run.stderr || run.stdout}`);
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}

gate('generated policies through the policy gate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'credex-iam-gate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every committed document passes with no deny finding and no waiver', () => {
    const resource: Record<string, Record<string, unknown>> = { aws_iam_policy: {} };
    for (const p of committedDeployerPolicies.policies) {
      resource.aws_iam_policy[p.name.replace(/[^A-Za-z0-9_]/g, '_')] = {
        name: p.name,
        policy: renderPolicyDocument(p.document, '123456789012'),
      };
    }
    const file = path.join(dir, 'generated.tf.json');
    writeFileSync(file, JSON.stringify({ resource }));
    const { status, report } = check(file);
    expect(report.findings.filter((f) => f.severity === 'deny')).toEqual([]);
    expect(report.waivers).toEqual([]);
    expect(status).toBe(0);
  }, 120000);

  it('the synthesized global stack passes with no deny finding', () => {
    const file = path.join(dir, 'global.tf.json');
    writeFileSync(file, JSON.stringify(synthesized().global));
    const { status, report } = check(file);
    expect(report.findings.filter((f) => f.severity === 'deny')).toEqual([]);
    // Two reasoned waivers: the branch subjects of the secret-age and image-push roles (their tests judge their
    // permissions: secret-age-role.test.ts, image-push-role.test.ts).
    expect((report.waivers as { rule: string; address: string }[]).map((w) => [w.rule, w.address]).sort()).toEqual([
      ['CDX-IAM-008', expect.stringMatching(/^aws_iam_role\.image-push-role_/)],
      ['CDX-IAM-008', expect.stringMatching(/^aws_iam_role\.secret-age-role_/)],
    ]);
    expect(status).toBe(0);
  }, 120000);

  it('the gate does judge these documents: a wildcard action slipped in is denied', () => {
    const shared = committedDeployerPolicies.policies.find((p) => p.name === 'credex-core-permissions')!;
    const doc = JSON.parse(JSON.stringify(shared.document));
    doc.Statement[0].Action = ['ec2:*'];
    const file = path.join(dir, 'broken.tf.json');
    writeFileSync(
      file,
      JSON.stringify({
        resource: { aws_iam_policy: { broken: { name: 'broken', policy: renderPolicyDocument(doc, '123456789012') } } },
      }),
    );
    const { status, report } = check(file);
    expect(status).toBe(1);
    expect(report.findings.some((f) => f.severity === 'deny' && f.address === 'aws_iam_policy.broken')).toBe(true);
  }, 120000);
});
