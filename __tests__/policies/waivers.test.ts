/** Waivers written next to the construct with waive(), judged through the wasm path; SARIF points at this file. */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkDocuments, Report } from '../../policies/engine/check';
import { renderSarif } from '../../policies/engine/report';
import { locationFromStackTrace } from '../../policies/engine/location';
import { withConstructStackTraces } from '../../lib/construct-stack-traces';
import { waive } from '../../contracts/waivers';
import { cdktfDoc, check, ruleIds } from '../support/policy-fixtures';

const out = mkdtempSync(path.join(tmpdir(), 'credex-waivers-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Synthesizes one stack built by `build` and judges its cdk.tf.json. */
async function synthAndCheck(
  build: (stack: TerraformStack) => void,
  today = '2026-06-01',
): Promise<{ report: Report; json: any }> {
  const app = new App({ outdir: out });
  const stack = new TerraformStack(app, 'staging');
  new AwsProvider(stack, 'aws', { region: 'af-south-1' });
  build(stack);
  app.synth();
  const file = path.join(out, 'stacks', 'staging', 'cdk.tf.json');
  const text = readFileSync(file, 'utf8');
  const report = await checkDocuments([{ label: 'staging', file, text, doc: JSON.parse(text) }], { today });
  return { report, json: JSON.parse(text) };
}

describe('waive()', () => {
  test('records the waiver under the resource\'s "//" key and hides the finding; the report lists it with its reason', async () => {
    const { report, json } = await synthAndCheck((stack) => {
      const logs = new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api' });
      waive(logs, {
        rule: 'CDX-LOG-001',
        reason: 'kept forever for an audit until the archive exists',
        expires: '2026-12-31',
      });
    });
    expect(json.resource.aws_cloudwatch_log_group.logs['//'].waivers).toEqual([
      { rule: 'CDX-LOG-001', reason: 'kept forever for an audit until the archive exists', expires: '2026-12-31' },
    ]);
    expect(json.resource.aws_cloudwatch_log_group.logs['//'].metadata.path).toBe('staging/logs');
    expect(ruleIds(report)).toEqual([]);
    expect(report.waivers).toEqual([
      {
        rule: 'CDX-LOG-001',
        address: 'aws_cloudwatch_log_group.logs',
        stack: 'staging',
        reason: 'kept forever for an audit until the archive exists',
        expires: '2026-12-31',
        status: 'applied',
        findings: 1,
      },
    ]);
    expect(report.summary).toMatchObject({ deny: 0, waived: 1, waivers: 1, passed: true });
  });

  test('several waivers on one resource accumulate', async () => {
    const { json } = await synthAndCheck((stack) => {
      const logs = new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api' });
      waive(logs, { rule: 'CDX-LOG-001', reason: 'one' });
      waive(logs, { rule: 'CDX-SG-001', reason: 'two' });
    });
    expect(json.resource.aws_cloudwatch_log_group.logs['//'].waivers.map((w: { rule: string }) => w.rule)).toEqual([
      'CDX-LOG-001',
      'CDX-SG-001',
    ]);
  });

  test('an unused waiver is a warning finding', async () => {
    const { report } = await synthAndCheck((stack) => {
      const logs = new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api', retentionInDays: 30 });
      waive(logs, { rule: 'CDX-LOG-001', reason: 'no longer needed' });
    });
    expect(report.findings.map((f) => [f.rule, f.severity, f.address])).toEqual([
      ['CDX-WVR-003', 'warn', 'aws_cloudwatch_log_group.logs'],
    ]);
    expect(report.waivers[0]).toMatchObject({ status: 'unused', findings: 0 });
    expect(report.summary.passed).toBe(true);
  });

  test('an expired waiver is a finding and no longer hides what it waived', async () => {
    const { report } = await synthAndCheck((stack) => {
      const logs = new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api' });
      waive(logs, { rule: 'CDX-LOG-001', reason: 'temporary', expires: '2026-05-31' });
    }, '2026-06-01');
    expect(ruleIds(report).sort()).toEqual(['CDX-LOG-001', 'CDX-WVR-002']);
    expect(report.waivers[0]).toMatchObject({ status: 'expired' });
    expect(report.summary.passed).toBe(false);
  });

  test('the waiver still applies on its expiry day', async () => {
    const { report } = await synthAndCheck((stack) => {
      const logs = new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api' });
      waive(logs, { rule: 'CDX-LOG-001', reason: 'temporary', expires: '2026-06-01' });
    }, '2026-06-01');
    expect(report.findings).toEqual([]);
  });

  test.each([
    [{ rule: 'CDX-LOG-001', reason: '  ' }, /needs a reason/],
    [{ rule: '', reason: 'r' }, /rule must be a rule id/],
    [{ rule: 'CDX-LOG-001', reason: 'r', expires: '2026-02-30' }, /YYYY-MM-DD/],
  ])('throws at synth time for %j', (waiver, message) => {
    const app = new App({ outdir: out });
    const stack = new TerraformStack(app, 'staging');
    const logs = new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api' });
    expect(() => waive(logs, waiver)).toThrow(message);
  });

  test.each([
    [{ rule: 'CDX-LOG-001', reason: '' }, 'has no reason'],
    [{ rule: 'CDX-NOPE-999', reason: 'r' }, 'unknown rule CDX-NOPE-999'],
    [{ rule: 'CDX-LOG-001', reason: 'r', expires: 'soon' }, 'not a YYYY-MM-DD date'],
  ])('a hand-written waiver %j is a deny finding and is not applied', async (waiver, message) => {
    const doc = cdktfDoc({ 'aws_cloudwatch_log_group.logs': { name: '/ecs/api' } });
    (doc.resource as any).aws_cloudwatch_log_group.logs['//'].waivers = [waiver];
    const report = await check(doc);
    expect(ruleIds(report).sort()).toEqual(['CDX-LOG-001', 'CDX-WVR-001']);
    expect(report.findings.find((f) => f.rule === 'CDX-WVR-001')?.message).toContain(message);
    expect(report.waivers[0].status).toBe('invalid');
  });
});

describe('construct locations', () => {
  test('with stack traces on, a finding points at the TypeScript line that created the resource', async () => {
    let line = 0;
    const { report } = await synthAndCheck((stack) =>
      withConstructStackTraces(() => {
        line = Number(/waivers\.test\.ts:(\d+)/.exec(new Error().stack ?? '')?.[1]) + 1;
        new CloudwatchLogGroup(stack, 'logs', { name: '/ecs/api' });
      }),
    );
    expect(report.findings[0].source).toEqual({
      file: '__tests__/policies/waivers.test.ts',
      line,
      column: expect.any(Number),
    });
    const sarif = JSON.parse(renderSarif(report));
    const result = sarif.runs[0].results[0];
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: '__tests__/policies/waivers.test.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: line, startColumn: expect.any(Number) },
    });
  });

  test('stack frames outside the project sources are skipped', () => {
    const root = '/repo';
    expect(
      locationFromStackTrace(
        [
          'new TerraformElement (/repo/node_modules/cdktf/lib/terraform-element.ts:44:15)',
          'new Foo (/repo/dist/main.js:10:3)',
          'new Neo4jHost (/repo/constructs/neo4j-host.ts:42:5)',
          'buildApp (/repo/main.ts:30:3)',
        ],
        root,
      ),
    ).toEqual({ file: 'constructs/neo4j-host.ts', line: 42, column: 5 });
    expect(locationFromStackTrace(['at /elsewhere/x.ts:1:1'], root)).toBeUndefined();
    expect(locationFromStackTrace(undefined, root)).toBeUndefined();
  });

  test('without a construct location, SARIF points at the resource in the generated JSON', async () => {
    const text = JSON.stringify(cdktfDoc({ 'aws_cloudwatch_log_group.logs': { name: '/ecs/api' } }), null, 2);
    const file = path.join(out, 'given.json');
    const report = await checkDocuments([{ label: 'given.json', file, text, doc: JSON.parse(text) }]);
    const expectedLine = text.split('\n').findIndex((l) => l.includes('"logs": {')) + 1;
    expect(report.findings[0].generated?.line).toBe(expectedLine);
    const loc = JSON.parse(renderSarif(report)).runs[0].results[0].locations[0].physicalLocation;
    expect(loc.region.startLine).toBe(expectedLine);
    expect(loc.artifactLocation).toEqual({ uri: pathToFileURL(file).href });
  });
});
