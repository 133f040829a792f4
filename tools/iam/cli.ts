/**
 * `npm run iam:policy` — generates the deployers' IAM policies from the synthesized staging and production
 * stacks and writes them to docs/deploy/ (see docs/deployer-guide.md, "IAM"). `--help` lists options and exit codes.
 * It reads the synthesized stacks (`npm run iam:policy` synthesizes them first); it never builds the app.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand, runMain, type CommandSpec } from '../../lib/cli';
import { CliError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { DEPLOY_DOCS_DIR, generateForProject, orphanFiles, readStacks, renderFiles, staleFiles } from './files';
import { MANAGED_POLICY_SIZE_LIMIT } from './generate';

export const SPEC = {
  name: 'iam:policy',
  usage: 'npm run -s iam:policy -- [--check] [--stacks DIR]',
  description:
    `Generates the deployers' IAM policies (group, per environment, permissions boundary) from the synthesized\n` +
    `staging and production stacks and writes them to ${DEPLOY_DOCS_DIR}/.`,
  options: {
    check: {
      type: 'boolean',
      description: `write nothing; exit 1 when the committed ${DEPLOY_DOCS_DIR} files differ from what the stacks need`,
    },
    stacks: {
      type: 'string',
      value: 'DIR',
      description:
        'read DIR/stacks/<env>/cdk.tf.json (default: cdktf.out, written by the synth that npm run iam:policy runs first)',
    },
  },
  examples: [
    'npm run -s iam:policy',
    'npm run -s iam:policy -- --check',
    'npm run -s iam:policy -- --stacks cdktf.out --check',
  ],
  exitCodes: [
    [ExitCode.OK, `written, or (--check) ${DEPLOY_DOCS_DIR} is up to date`],
    [ExitCode.FAILED, `--check: the committed files differ from what the stacks need`],
    [
      ExitCode.USAGE,
      "no verdict: usage error, a stack not synthesized, a resource type without an action map,\na name outside the deployer's scope, or internal error; one line on stderr",
    ],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(SPEC, argv, ({ values }) => {
    const stacks = readStacks(path.resolve(values.stacks ?? path.join(repoRoot(), 'cdktf.out')));
    const set = generateForProject(stacks);
    const dir = path.join(repoRoot(), DEPLOY_DOCS_DIR);
    if (values.check) {
      const stale = staleFiles(set, dir);
      if (stale.length > 0) {
        const files = stale.map((n) => `${DEPLOY_DOCS_DIR}/${n}`).join(', ');
        throw new CliError({
          kind: 'failed',
          message: `${files} differ from what the stacks need; run npm run iam:policy and commit`,
        });
      }
      process.stdout.write(`iam:policy: ${DEPLOY_DOCS_DIR} is up to date\n`);
      return ExitCode.OK;
    }
    mkdirSync(dir, { recursive: true });
    for (const name of orphanFiles(set, dir)) rmSync(path.join(dir, name));
    for (const [name, content] of renderFiles(set)) writeFileSync(path.join(dir, name), content);
    for (const p of set.policies) {
      process.stdout.write(
        `${DEPLOY_DOCS_DIR}/${p.file}  ${p.name}: ${p.document.Statement.length} statements, ${p.actionCount} actions, ${p.size}/${MANAGED_POLICY_SIZE_LIMIT} characters\n`,
      );
    }
    return ExitCode.OK;
  });
}

if (require.main === module) runMain(SPEC.name, () => main(process.argv.slice(2)));
