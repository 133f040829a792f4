/** ShellCheck (pinned in the tools venv) over every shell script of the project and the hosts' generated user_data. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, toolsDir } from '../../lib/paths';
import { environment, resource } from '../support/constructs';

const shellcheck = path.join(toolsDir(), 'venv', 'bin', 'shellcheck');

function check(args: string[], input?: string): { status: number | null; output: string } {
  if (!existsSync(shellcheck)) throw new Error(`shellcheck not installed at ${shellcheck}: run "npm run setup" first`);
  const r = spawnSync(shellcheck, ['--format', 'gcc', ...args], { cwd: repoRoot(), encoding: 'utf8', input });
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

test('every tracked shell script is clean', () => {
  const files = execFileSync('git', ['ls-files', '*.sh', '.ci/run'], { cwd: repoRoot(), encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  expect(files.length).toBeGreaterThanOrEqual(5);
  const result = check(files);
  expect(result.output).toBe('');
  expect(result.status).toBe(0);
});

test.each(['staging', 'production'] as const)(
  '%s Neo4j user_data is clean once Terraform fills in its references',
  (env) => {
    for (const space of ['ledgerspace', 'searchspace']) {
      const userData: string = resource(environment(env).json, 'aws_instance', `neo4j-${space}_instance`).user_data;
      const rendered = userData
        .replace(/\$\{aws_ebs_volume\.[^}]+\.id\}/g, 'vol-0123456789abcdef0')
        .replace(
          /\$\{aws_secretsmanager_secret\.[^}]+\.arn\}/g,
          `arn:aws:secretsmanager:af-south-1:123456789012:secret:credex/${env}/neo4j/${space}-AbCdEf`,
        );
      expect(rendered).not.toContain('${');
      const result = check(['-s', 'bash', '-'], rendered);
      expect(result.output).toBe('');
    }
  },
);

test('the check can fail: an unquoted expansion is reported', () => {
  const result = check(['-s', 'bash', '-'], '#!/bin/bash\nrm -rf $DIR/*\n');
  expect(result.status).not.toBe(0);
  expect(result.output).toMatch(/SC2086|SC2115/);
});
