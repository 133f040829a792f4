/** The project's own stacks, as synthesized for the gate (stack traces on), pass it: no deny finding. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { checkDocuments } from '../../policies/engine/check';
import { synthProject } from '../support/synth';

test('global, staging and production synthesize with no deny finding', async () => {
  const synth = synthProject({ stackTraces: true });
  expect([...synth.names].sort()).toEqual(['global', 'production', 'staging']);
  const report = await checkDocuments(
    synth.names.map((name) => ({
      label: name,
      file: synth.file(name),
      text: synth.text(name),
      doc: synth.stacks[name],
    })),
  );
  const deny = report.findings
    .filter((f) => f.severity === 'deny')
    .map((f) => `${f.stack} ${f.rule} ${f.address}: ${f.message}`);
  expect(deny).toEqual([]);
  // Every resource and data source of every stack was judged.
  const count = (section?: Record<string, Record<string, unknown>>) =>
    Object.values(section ?? {}).reduce((n, byId) => n + Object.keys(byId).length, 0);
  const expected = synth.names.reduce(
    (n, name) => n + count(synth.stacks[name].resource) + count(synth.stacks[name].data),
    0,
  );
  expect(report.summary).toMatchObject({ stacks: 3, resources: expected, deny: 0, passed: true });
  // The project's waivers (the two roles trusted on one branch of one repository rather than a GitHub environment;
  // staging's plain-HTTP listener; production's two secrets that cannot rotate on a schedule of their own) apply and
  // hide exactly their findings.
  const stagingListener = Object.keys(synth.stacks.staging.resource.aws_lb_listener);
  const productionSecrets = synth.stacks.production.resource.aws_secretsmanager_secret;
  const secretAddress = (prefix: string) =>
    `aws_secretsmanager_secret.${Object.keys(productionSecrets).find((id) => id.startsWith(prefix))}`;
  const globalRole = (prefix: string) =>
    `aws_iam_role.${Object.keys(synth.stacks.global.resource.aws_iam_role).find((id) => id.startsWith(prefix))}`;
  expect(report.waivers.map((w) => [w.stack, w.rule, w.address, w.status])).toEqual([
    ['global', 'CDX-IAM-008', globalRole('image-push-role'), 'applied'],
    ['global', 'CDX-IAM-008', globalRole('secret-age-role'), 'applied'],
    ['staging', 'CDX-LB-001', `aws_lb_listener.${stagingListener[0]}`, 'applied'],
    ['production', 'CDX-SEC-003', secretAddress('app-secrets'), 'applied'],
    ['production', 'CDX-SEC-003', secretAddress('neo4j-secret'), 'applied'],
  ]);
  expect(report.waived.map((f) => `${f.stack} ${f.rule}`).sort()).toEqual([
    'global CDX-IAM-008',
    'global CDX-IAM-008',
    'production CDX-SEC-003',
    'production CDX-SEC-003',
    'staging CDX-LB-001',
  ]);
  // Findings on project resources point at the construct that created them.
  for (const f of [...report.findings, ...report.waived].filter((x) => !x.rule.startsWith('CDX-WVR')))
    expect(f.source?.file).toMatch(/^constructs\/.+\.ts$/);
  // ...at the line and column that creates it.
  const { file, line, column } = report.waived.find((f) => f.rule === 'CDX-LB-001')!.source!;
  const lines = readFileSync(path.join(repoRoot(), file), 'utf8').split('\n');
  expect(lines[line - 1].slice(column - 1)).toMatch(/^new LbListener\(this, 'http',/);
});
