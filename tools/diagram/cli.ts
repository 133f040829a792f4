/**
 * `npm run diagram` — draws each synthesized stack (global, staging, production) from its cdk.tf.json as SVG into
 * docs/diagrams/, and with `--base REF` draws what the working tree changes against REF. It reads synthesized JSON
 * (`npm run diagram` synthesizes first); for the base it synthesizes a worktree in another process.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand, runMain, type CommandSpec } from '../../lib/cli';
import { CliError, UsageError } from '../../lib/errors';
import { readStacks, SYNTH_OUTDIR, type TerraformJson } from '../../lib/synth-output';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { addWorktree, resolveCommit, synthesizeTree } from './base';
import { changesMarkdown, diffResources, mergePictures, type ResourceChange } from './diff';
import { toDot } from './dot';
import { judgeStack } from './gate';
import { buildPicture } from './model';
import { renderSvg } from './render';

export const DIAGRAMS_DIR = 'docs/diagrams';
export const DIFF_DIR = 'diagram-diff';

export const SPEC = {
  name: 'diagram',
  usage: [
    'npm run -s diagram -- [--check] [--stacks DIR] [--out DIR]',
    'npm run -s diagram -- --base REF | --base-dir DIR | --base-stacks DIR [--stacks DIR] [--out DIR]',
  ],
  description:
    `Draws every synthesized stack (VPC, tiers and subnets per zone, load balancer, NAT, ECS service, Neo4j hosts,\n` +
    `security-group arrows with ports, egress through NAT, public exposure the policy gate accepts apart from rules it\n` +
    `denies, panels with secrets, keys, alarms, the AMI pipeline and the rest) as SVG into ${DIAGRAMS_DIR}/. With a\n` +
    `base, draws what the working tree changes instead: added, removed and changed resources and arrows in colour, and\n` +
    `a change table (${DIFF_DIR}/changes.md, also appended to $GITHUB_STEP_SUMMARY when set).`,
  options: {
    check: {
      type: 'boolean',
      description: `write nothing; exit 1 when the committed ${DIAGRAMS_DIR}/*.svg differ from the stacks`,
    },
    stacks: {
      type: 'string',
      value: 'DIR',
      description:
        'read DIR/stacks/<stack>/cdk.tf.json (default: cdktf.out, written by the synth npm run diagram runs first)',
    },
    out: {
      type: 'string',
      value: 'DIR',
      description: `write the SVGs (and changes.md) here (default: ${DIAGRAMS_DIR}, or ${DIFF_DIR} with a base)`,
    },
    base: {
      type: 'string',
      value: 'REF',
      description: 'draw the changes against this git ref (checked out as a temporary worktree and synthesized)',
    },
    'base-dir': {
      type: 'string',
      value: 'DIR',
      description: 'draw the changes against the tree checked out in DIR (synthesized there; node_modules reused)',
    },
    'base-stacks': {
      type: 'string',
      value: 'DIR',
      description: 'draw the changes against stacks already synthesized in DIR/stacks/<stack>/cdk.tf.json',
    },
  },
  examples: [
    'npm run -s diagram',
    'npm run -s diagram -- --check',
    'npm run -s diagram -- --base origin/main',
    'npm run -s diagram -- --base-stacks /tmp/base-cdktf.out --out /tmp/diff',
  ],
  exitCodes: [
    [ExitCode.OK, `drawn, or (--check) ${DIAGRAMS_DIR} is up to date`],
    [ExitCode.FAILED, `--check: a committed diagram differs from the stacks`],
    [
      ExitCode.USAGE,
      'no verdict: usage error, no synthesized stacks, a base that does not synthesize, or internal error',
    ],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

/** The drawing of one stack, as committed under docs/diagrams/<stack>.svg. */
export async function drawStack(stack: string, doc: TerraformJson): Promise<string> {
  const title = `credex-infra · ${stack} — drawn from cdktf.out/stacks/${stack}/cdk.tf.json by npm run diagram`;
  return renderSvg(toDot(buildPicture(stack, doc, await judgeStack(stack, doc)), { title }));
}

/** Every stack's drawing, by file name (`staging.svg`). */
export async function drawAll(stacks: ReadonlyMap<string, TerraformJson>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, doc] of stacks) out.set(`${name}.svg`, await drawStack(name, doc));
  return out;
}

export interface StackChanges {
  readonly stack: string;
  readonly changes: readonly ResourceChange[];
  /** The change drawing; absent when the stack has no change. */
  readonly svg?: string;
}

/** The change drawing and table of every stack in either set. */
export async function drawChanges(
  base: ReadonlyMap<string, TerraformJson>,
  head: ReadonlyMap<string, TerraformJson>,
  baseLabel: string,
): Promise<StackChanges[]> {
  const out: StackChanges[] = [];
  for (const stack of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const before = base.get(stack) ?? {};
    const after = head.get(stack) ?? {};
    const changes = diffResources(before, after);
    if (changes.length === 0) {
      out.push({ stack, changes });
      continue;
    }
    // Both sides are judged by this checkout's gate: an arrow changes kind only when the stack changed.
    const { picture, status } = mergePictures(
      buildPicture(stack, before, await judgeStack(stack, before)),
      buildPicture(stack, after, await judgeStack(stack, after)),
      changes,
    );
    const title = `credex-infra · ${stack}: what the working tree changes against ${baseLabel}`;
    out.push({ stack, changes, svg: await renderSvg(toDot(picture, { title, status, changes })) });
  }
  return out;
}

function baseStacks(values: { base?: string; 'base-dir'?: string; 'base-stacks'?: string }): {
  stacks: Map<string, TerraformJson>;
  label: string;
} {
  if (values['base-stacks'])
    return { stacks: readStacks(path.resolve(values['base-stacks'])), label: values['base-stacks'] };
  if (values['base-dir']) {
    const tree = path.resolve(values['base-dir']);
    const outdir = path.join(tree, 'cdktf.out');
    synthesizeTree(tree, outdir);
    return { stacks: readStacks(outdir), label: values['base-dir'] };
  }
  const worktree = addWorktree(values.base!);
  try {
    const outdir = path.join(worktree.dir, 'cdktf.out');
    synthesizeTree(worktree.dir, outdir);
    return { stacks: readStacks(outdir), label: `${values.base} (${worktree.commit.slice(0, 12)})` };
  } finally {
    worktree.remove();
  }
}

export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCommand(SPEC, argv, async ({ values }) => {
    const bases = (['base', 'base-dir', 'base-stacks'] as const).filter((k) => values[k] !== undefined);
    if (bases.length > 1)
      throw new UsageError(
        `give one of --base, --base-dir, --base-stacks (got ${bases.map((b) => `--${b}`).join(', ')})`,
      );
    if (bases.length && values.check) throw new UsageError('--check compares the committed diagrams; it takes no base');
    if (values.base !== undefined) resolveCommit(values.base); // a bad ref is named before anything is read
    const head = readStacks(path.resolve(values.stacks ?? path.join(repoRoot(), SYNTH_OUTDIR)));

    if (bases.length) {
      const base = baseStacks(values);
      const outDir = path.resolve(values.out ?? DIFF_DIR);
      const results = await drawChanges(base.stacks, head, base.label);
      mkdirSync(outDir, { recursive: true });
      for (const name of readdirSync(outDir)) if (name.endsWith('.svg')) rmSync(path.join(outDir, name));
      for (const r of results) if (r.svg) writeFileSync(path.join(outDir, `${r.stack}.svg`), r.svg);
      const md = changesMarkdown(
        results.map((r) => ({ stack: r.stack, changes: r.changes, svg: r.svg ? `${r.stack}.svg` : undefined })),
        base.label,
      );
      writeFileSync(path.join(outDir, 'changes.md'), md);
      if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${md}\n`);
      const total = results.reduce((n, r) => n + r.changes.length, 0);
      process.stdout.write(
        `diagram: ${total} resource change${total === 1 ? '' : 's'} against ${base.label}; ${path.relative(process.cwd(), outDir) || '.'}/changes.md` +
          `${
            results.some((r) => r.svg)
              ? ` and ${results
                  .filter((r) => r.svg)
                  .map((r) => `${r.stack}.svg`)
                  .join(', ')}`
              : ''
          }\n`,
      );
      return ExitCode.OK;
    }

    const files = await drawAll(head);
    const dir = path.resolve(values.out ?? path.join(repoRoot(), DIAGRAMS_DIR));
    if (values.check) {
      const stale = [...files].filter(([name, svg]) => {
        const file = path.join(dir, name);
        return !existsSync(file) || readFileSync(file, 'utf8') !== svg;
      });
      if (stale.length) {
        throw new CliError({
          kind: 'failed',
          message: `${stale.map(([n]) => `${DIAGRAMS_DIR}/${n}`).join(', ')} differ from the stacks; run npm run diagram and commit`,
        });
      }
      process.stdout.write(`diagram: ${DIAGRAMS_DIR} is up to date\n`);
      return ExitCode.OK;
    }
    mkdirSync(dir, { recursive: true });
    for (const [name, svg] of files) {
      writeFileSync(path.join(dir, name), svg);
      process.stdout.write(`${path.relative(process.cwd(), path.join(dir, name))}  ${svg.length} bytes\n`);
    }
    return ExitCode.OK;
  });
}

if (require.main === module) runMain(SPEC.name, () => main(process.argv.slice(2)));
