/**
 * `npm run iam:policy` — generates the deployers' IAM policies from the synthesized staging and production
 * stacks and writes them to docs/deploy/ (see docs/deployer-guide.md, "IAM").
 *
 *   npm run iam:policy                      synthesize, generate, write docs/deploy/*.json
 *   npm run iam:policy -- --check           exit 1 when the committed files differ from what the stacks need
 *   npm run iam:policy -- --stacks DIR      read DIR/stacks/<env>/cdk.tf.json instead of synthesizing
 *   (CREDEX_IAM_MAIN_JS=FILE runs FILE instead of dist/main.js to synthesize; used by the tests)
 *
 * Exit codes: 0 written / up to date, 1 --check found a difference, 2 bad input (a stack failed to synthesize,
 * a resource type without an action map, a name outside the deployer's scope): one line on stderr.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEPLOY_DOCS_DIR, generateForProject, orphanFiles, readStacks, renderFiles, staleFiles, synthesizeStacks } from './files';
import { IamPolicyError, MANAGED_POLICY_SIZE_LIMIT } from './generate';
import { repoRoot } from '../../lib/paths';

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean' }, stacks: { type: 'string' } }, strict: true });
  const stacks = values.stacks ? readStacks(path.resolve(values.stacks)) : synthesizeStacks(process.env.CREDEX_IAM_MAIN_JS || path.join(repoRoot(), 'dist', 'main.js'));
  const set = generateForProject(stacks);
  const dir = path.join(repoRoot(), DEPLOY_DOCS_DIR);
  if (values.check) {
    const stale = staleFiles(set, dir);
    if (stale.length > 0) {
      process.stderr.write(`iam:policy: ${stale.map((n) => `${DEPLOY_DOCS_DIR}/${n}`).join(', ')} differ from what the stacks need; run npm run iam:policy and commit\n`);
      return 1;
    }
    process.stdout.write('iam:policy: docs/deploy is up to date\n');
    return 0;
  }
  mkdirSync(dir, { recursive: true });
  for (const name of orphanFiles(set, dir)) rmSync(path.join(dir, name));
  for (const [name, content] of renderFiles(set)) writeFileSync(path.join(dir, name), content);
  for (const p of set.policies) {
    process.stdout.write(
      `${DEPLOY_DOCS_DIR}/${p.file}  ${p.name}: ${p.document.Statement.length} statements, ${p.actionCount} actions, ${p.size}/${MANAGED_POLICY_SIZE_LIMIT} characters\n`,
    );
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  const message = e instanceof IamPolicyError ? e.message : `iam:policy: ${((e as Error).message ?? String(e)).split('\n')[0]}`;
  process.stderr.write(message + '\n');
  process.exitCode = 2;
}
