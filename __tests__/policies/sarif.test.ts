/**
 * SARIF for GitHub code scanning: the SARIF 2.1.0 shape (the properties and types the OASIS schema requires of
 * what the report emits) plus what code scanning reads: a numeric `security-severity` per rule, `helpUri` to the
 * rule's section of docs/policies.md, `informationUri`, no `automationDetails.id` (upload-sarif's category names the
 * run), and waived findings kept as suppressed results (kind external, the waiver's reason as justification).
 */
import { readFileSync } from 'node:fs';
import { COMMENT_KEY, WAIVERS_FIELD } from '../../contracts/waivers';
import { bundleMetadata } from '../../policies/engine/metadata';
import { docsBaseUri, renderSarif, ruleAnchor } from '../../policies/engine/report';
import { policyPaths } from '../../policies/engine/paths';
import { cdktfDoc, check } from '../support/policy-fixtures';

type Json = Record<string, unknown>;

const bad = {
  'aws_ecr_repository.a': {
    name: 'a',
    image_tag_mutability: 'MUTABLE',
    image_scanning_configuration: { scan_on_push: true },
  },
  'aws_cloudwatch_log_group.l': { name: 'l' },
};

async function sarifOf(env: NodeJS.ProcessEnv = {}) {
  return JSON.parse(renderSarif(await check(cdktfDoc(bad)), env));
}

/** The SARIF 2.1.0 schema's requirements on the objects this report emits. */
function expectSarifShape(sarif: Json) {
  expect(sarif.version).toBe('2.1.0');
  expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  const runs = sarif.runs as Json[];
  expect(Array.isArray(runs)).toBe(true);
  for (const run of runs) {
    expect(Object.keys(run).sort()).toEqual(expect.arrayContaining(['tool', 'results']));
    const driver = (run.tool as Json).driver as Json;
    expect(typeof driver.name).toBe('string');
    expect(driver.informationUri).toMatch(/^https:\/\/\S+$/);
    const rules = driver.rules as Json[];
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      expect(typeof r.id).toBe('string');
      expect(r.helpUri).toMatch(/^https:\/\/\S+#cdx-[a-z0-9]+-\d{3}$/);
      for (const key of ['shortDescription', 'fullDescription']) expect(typeof (r[key] as Json).text).toBe('string');
      expect(typeof (r.help as Json).text).toBe('string');
      expect(['none', 'note', 'warning', 'error']).toContain((r.defaultConfiguration as Json).level);
      const severity = (r.properties as Json)['security-severity'];
      expect(typeof severity).toBe('string');
      expect(Number(severity)).toBeGreaterThanOrEqual(0);
      expect(Number(severity)).toBeLessThanOrEqual(10);
      expect(severity).toMatch(/^\d+\.\d$/);
    }
    expect(run).not.toHaveProperty('automationDetails');
    for (const result of run.results as Json[]) {
      expect(ids).toContain(result.ruleId);
      expect(rules[result.ruleIndex as number].id).toBe(result.ruleId);
      expect(['none', 'note', 'warning', 'error']).toContain(result.level);
      expect(typeof (result.message as Json).text).toBe('string');
      for (const loc of result.locations as Json[]) {
        const physical = loc.physicalLocation as Json | undefined;
        if (physical) {
          expect(typeof (physical.artifactLocation as Json).uri).toBe('string');
          expect((physical.region as Json).startLine).toBeGreaterThanOrEqual(1);
        }
      }
      for (const s of (result.suppressions as Json[] | undefined) ?? []) {
        expect(['inSource', 'external']).toContain(s.kind);
        expect(['accepted', 'underReview', 'rejected']).toContain(s.status);
        expect(typeof s.justification).toBe('string');
      }
    }
  }
}

describe('SARIF for GitHub code scanning', () => {
  test('SARIF 2.1.0 shape, security-severity from the rule severity, helpUri per rule, no automationDetails', async () => {
    const sarif = await sarifOf({
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SHA: 'abc',
    });
    expectSarifShape(sarif);
    const rules = sarif.runs[0].tool.driver.rules as Json[];
    for (const meta of bundleMetadata().rules) {
      const rule = rules.find((r) => r.id === meta.id) as Json;
      expect((rule.properties as Json)['security-severity']).toBe(meta.severity === 'deny' ? '8.0' : '5.0');
      expect(rule.helpUri).toBe(`https://github.com/o/r/blob/abc/docs/policies.md#${ruleAnchor(meta.id)}`);
    }
    expect(sarif.runs[0].tool.driver.informationUri).toBe('https://github.com/o/r/blob/abc/docs/policies.md');
  });

  test('every rule has the section its helpUri points at in docs/policies.md', () => {
    const docs = readFileSync(policyPaths.docs(), 'utf8');
    for (const meta of bundleMetadata().rules) {
      expect(docs).toMatch(new RegExp(`^### ${meta.id}\\b`, 'm'));
      // GitHub's anchor of a heading "### CDX-SG-001: title" starts with the id in lower case.
      expect(ruleAnchor(meta.id)).toBe(meta.id.toLowerCase());
    }
  });

  test('without GitHub Actions variables the docs link points at the default repository', () => {
    expect(docsBaseUri({})).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/HEAD\/docs\/policies\.md$/);
  });

  test('a waived finding stays visible as a suppressed result: kind external, the waiver reason as justification', async () => {
    // A waiver as waive() records it (contracts/waivers.ts): under the resource's "//" key, beside the construct.
    const doc = cdktfDoc({ 'aws_cloudwatch_log_group.forever': { name: '/x' } }) as {
      resource: Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    };
    doc.resource.aws_cloudwatch_log_group.forever[COMMENT_KEY][WAIVERS_FIELD] = [
      { rule: 'CDX-LOG-001', reason: 'audit log kept by law', expires: '2999-01-01' },
    ];
    const report = await check(doc, 'staging');
    expect(report.waived.map((f) => f.rule)).toEqual(['CDX-LOG-001']);
    const sarif = JSON.parse(renderSarif(report, {}));
    expectSarifShape(sarif);
    const result = (sarif.runs[0].results as Json[]).find((r) => r.ruleId === 'CDX-LOG-001') as Json;
    expect(result.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'audit log kept by law' },
    ]);
    // Unwaived findings carry no suppressions.
    for (const r of (await sarifOf()).runs[0].results as Json[]) expect(r).not.toHaveProperty('suppressions');
  });

  test('the shape check fails on what code scanning rejects', async () => {
    const sarif = await sarifOf();
    const broken = structuredClone(sarif);
    broken.runs[0].tool.driver.rules[0].properties['security-severity'] = 8;
    expect(() => expectSarifShape(broken)).toThrow();
    const withId = structuredClone(sarif);
    withId.runs[0].automationDetails = { id: 'policy-check/' };
    expect(() => expectSarifShape(withId)).toThrow();
  });
});
