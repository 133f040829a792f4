/**
 * The file side of the generator: read synthesized stacks, render the documents as committed under docs/deploy/
 * and the whole set as committed in generated/ (what main.ts hands to the `global` stack).
 * Used by `npm run iam:policy` and by the drift test, so both compare the same bytes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { environments, globalConfig } from '../../config';
import { readTerraformJson, stackFile } from '../../lib/synth-output';
import { generateDeployerPolicies, IamPolicyError, StackInput } from './generate';
import { DeployerPolicySet } from './types';
import { committedUnscopableActions } from './unscopable';

/** Folder of the committed documents, relative to the repository root. */
export const DEPLOY_DOCS_DIR = 'docs/deploy';
/**
 * The whole set in one file, generated/deployer-policies.json (what main.ts hands to the `global` stack, through
 * parseDeployerPolicySet in contracts/deployer-policies.ts), named relative to DEPLOY_DOCS_DIR like every other
 * rendered file.
 */
export const POLICY_SET_FILE = path.posix.relative(DEPLOY_DOCS_DIR, 'generated/deployer-policies.json');

/** Reads `<dir>/stacks/<env>/cdk.tf.json` for every environment. */
export function readStacks(outdir: string, names: readonly string[] = environments.map((e) => e.name)): StackInput[] {
  return names.map((name) => {
    const file = stackFile(outdir, name);
    if (!existsSync(file))
      throw new IamPolicyError(`iam:policy: ${file} does not exist: the ${name} stack was not synthesized`);
    return { name, json: readTerraformJson(file) };
  });
}

/** The generator with this project's settings and the policy gate's committed "allowed on *" set. */
export function generateForProject(stacks: readonly StackInput[]): DeployerPolicySet {
  return generateDeployerPolicies(stacks, {
    project: globalConfig.project,
    stateBucket: globalConfig.state.bucket,
    repository: globalConfig.ecr.repositoryName,
    boundaryName: globalConfig.permissionsBoundaryName,
    unscopableActions: committedUnscopableActions(),
  });
}

/**
 * File name (relative to DEPLOY_DOCS_DIR) -> content, exactly as committed (2-space JSON and a final newline;
 * deterministic).
 */
export function renderFiles(set: DeployerPolicySet): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of set.policies) files.set(p.file, JSON.stringify(p.document, null, 2) + '\n');
  files.set(POLICY_SET_FILE, JSON.stringify(set, null, 2) + '\n');
  return files;
}

/** Generated documents under `dir` that the set no longer has (a policy that now needs fewer parts). */
export function orphanFiles(set: DeployerPolicySet, dir: string): string[] {
  if (!existsSync(dir)) return [];
  const wanted = renderFiles(set);
  return readdirSync(dir)
    .filter((name) => /^credex-permissions.*\.json$/.test(name) && !wanted.has(name))
    .sort();
}

/** The files under `dir` that are missing, differ from what `set` renders, or are orphans (empty: up to date). */
export function staleFiles(set: DeployerPolicySet, dir: string): string[] {
  const changed = [...renderFiles(set)]
    .filter(([name, content]) => {
      const file = path.join(dir, name);
      return !existsSync(file) || readFileSync(file, 'utf8') !== content;
    })
    .map(([name]) => name);
  return [...changed, ...orphanFiles(set, dir)];
}
