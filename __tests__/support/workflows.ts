import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../lib/paths';

/** A step of a GitHub Actions job, as the tests read it. */
export interface WorkflowStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

export interface WorkflowJob {
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly steps?: WorkflowStep[];
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

export interface Workflow {
  readonly on: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, WorkflowJob>;
}

/** .github/workflows/<file>, parsed (the `yaml` package: GitHub's YAML 1.2 reading of `on:` as a key). */
export function readWorkflow(file: string): Workflow {
  return parse(readFileSync(path.join(repoRoot(), '.github', 'workflows', file), 'utf8')) as Workflow;
}

/** The step of `job` whose name starts with `prefix`; throws when there is none. */
export function stepNamed(job: WorkflowJob, prefix: string): WorkflowStep {
  const step = job.steps?.find((s) => s.name?.startsWith(prefix));
  if (!step) throw new Error(`no step named "${prefix}…"`);
  return step;
}
