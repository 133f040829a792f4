/**
 * The committed docs/deploy/*.json and generated/deployer-policies.json are exactly what the current stacks need:
 * red when a construct adds a resource type, a role or a name without `npm run iam:policy` being run and committed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DEPLOY_DOCS_DIR,
  generateForProject,
  POLICY_SET_FILE,
  renderFiles,
  staleFiles,
} from '../../../tools/iam/files';
import { repoRoot } from '../../../lib/paths';
import { copyStacks, synthesized } from '../../support/iam';

const docsDir = path.join(repoRoot(), DEPLOY_DOCS_DIR);

describe('docs/deploy drift', () => {
  it('the committed documents equal what the synthesized stacks need (run npm run iam:policy when this fails)', () => {
    const set = generateForProject(synthesized().stacks);
    expect(staleFiles(set, docsDir)).toEqual([]);
    // The set main.ts deploys is the committed generated/deployer-policies.json.
    expect(path.resolve(docsDir, POLICY_SET_FILE)).toBe(path.join(repoRoot(), 'generated', 'deployer-policies.json'));
  });

  it('goes red when a resource type is added to a stack without regenerating', () => {
    const stacks = copyStacks(synthesized().stacks);
    // A construct starts versioning the access-log bucket: a type the stacks did not have.
    const staging = stacks.find((s) => s.name === 'staging')!;
    expect(staging.json.resource.aws_s3_bucket_versioning).toBeUndefined();
    staging.json.resource.aws_s3_bucket_versioning = {
      logs: { bucket: '${aws_s3_bucket.x.id}', versioning_configuration: { status: 'Enabled' } },
    };
    const set = generateForProject(stacks);
    const stale = staleFiles(set, docsDir);
    expect(stale).toContain(POLICY_SET_FILE);
    expect(stale.some((f) => f.startsWith('credex-permissions-staging'))).toBe(true);
    expect(JSON.stringify(set)).toContain('s3:PutBucketVersioning');
  });

  it('goes red when an environment gets a new role that a workload passes', () => {
    const stacks = copyStacks(synthesized().stacks);
    const production = stacks.find((s) => s.name === 'production')!;
    const roles = production.json.resource.aws_iam_role;
    const [id, role] = Object.entries(roles).find(
      ([, r]: [string, any]) => r.name === 'credex-production-flow-logs',
    )! as [string, any];
    roles.extra = { ...role, name: 'credex-production-flow-logs-2' };
    const flowLog = Object.values(production.json.resource.aws_flow_log)[0] as any;
    expect(flowLog.iam_role_arn).toBe(`\${aws_iam_role.${id}.arn}`);
    flowLog.iam_role_arn = '${aws_iam_role.extra.arn}';
    const stale = staleFiles(generateForProject(stacks), docsDir);
    expect(stale.some((f) => f.startsWith('credex-permissions-production'))).toBe(true);
  });

  it('reports an orphaned part and a hand edit', () => {
    const set = generateForProject(synthesized().stacks);
    // The repository's layout in a scratch folder: the documents in docs/deploy/, the set in generated/.
    const root = mkdtempSync(path.join(tmpdir(), 'credex-iam-drift-'));
    const dir = path.join(root, DEPLOY_DOCS_DIR);
    try {
      for (const [name, content] of renderFiles(set)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), content);
      }
      expect(staleFiles(set, dir)).toEqual([]);
      writeFileSync(path.join(dir, 'credex-permissions-staging-9.json'), '{}\n');
      const edited = readFileSync(path.join(dir, 'credex-permissions.json'), 'utf8').replace('ecr:PutImage', 'ecr:*');
      writeFileSync(path.join(dir, 'credex-permissions.json'), edited);
      expect(staleFiles(set, dir).sort()).toEqual(['credex-permissions-staging-9.json', 'credex-permissions.json']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is deterministic: two runs render the same bytes', () => {
    const a = renderFiles(generateForProject(synthesized().stacks));
    const b = renderFiles(generateForProject(copyStacks(synthesized().stacks)));
    expect([...a]).toEqual([...b]);
  });
});
