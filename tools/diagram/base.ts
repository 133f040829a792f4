/**
 * The base of a change drawing, synthesized: a git ref checked out as a worktree in a temporary folder (or a tree
 * already checked out, as the pull-request workflow does), node_modules reused from this checkout, transpiled and
 * synthesized there with its own dev/build.js and main.ts, as two processes. The tool never loads the app itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../lib/errors';
import { repoRoot } from '../../lib/paths';

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, [...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? ''
  );
}

/** Transpiles and synthesizes the tree at `tree` into `outdir` (`<outdir>/stacks/<stack>/cdk.tf.json`). */
export function synthesizeTree(tree: string, outdir: string): void {
  if (!existsSync(path.join(tree, 'main.ts')) || !existsSync(path.join(tree, 'dev', 'build.js')))
    throw new InputError(`the base at ${tree} has no main.ts and dev/build.js to synthesize`);
  const modules = path.join(tree, 'node_modules');
  if (!existsSync(modules)) symlinkSync(path.join(repoRoot(), 'node_modules'), modules, 'dir');
  const build = run(process.execPath, ['dev/build.js', 'main.ts'], tree);
  if (build.status !== 0)
    throw new InputError(`the base does not transpile: ${lastLine(build.stderr || build.stdout)}`);
  const synth = run(process.execPath, ['dist/main.js'], tree, { ...process.env, CDKTF_OUTDIR: outdir });
  if (synth.status !== 0)
    throw new InputError(`the base does not synthesize: ${lastLine(synth.stderr || synth.stdout)}`);
}

export interface Worktree {
  readonly dir: string;
  /** The commit the ref named. */
  readonly commit: string;
  remove(): void;
}

/** The commit `ref` names in the repository at `repo`, or a one-line input error. */
export function resolveCommit(ref: string, repo = repoRoot()): string {
  const parsed = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repo);
  if (parsed.status !== 0) throw new InputError(`--base ${ref}: not a commit in ${repo} (fetch it first?)`);
  return parsed.stdout.trim();
}

/** Checks `ref` out as a detached worktree of the repository at `repo` in a new temporary folder. */
export function addWorktree(ref: string, repo = repoRoot()): Worktree {
  const commit = resolveCommit(ref, repo);
  const dir = mkdtempSync(path.join(tmpdir(), 'credex-diagram-base-'));
  const added = run('git', ['worktree', 'add', '--detach', '--quiet', dir, commit], repo);
  if (added.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new InputError(`--base ${ref}: git worktree add failed: ${lastLine(added.stderr)}`);
  }
  return {
    dir,
    commit,
    remove: () => {
      run('git', ['worktree', 'remove', '--force', dir], repo);
      rmSync(dir, { recursive: true, force: true });
      run('git', ['worktree', 'prune'], repo);
    },
  };
}
