/** The committed bundle is current: compiled from today's .rego sources, with metadata and docs to match. */
import { loadBundle } from '../../policies/engine/evaluate';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderPolicyDocs, renderReadmeRules } from '../../policies/build/docs';
import { loadEngine } from '../../policies/engine/evaluate';
import { bundleMetadata, bundleSources, sourceHash } from '../../policies/engine/metadata';
import { EFFECTIVE_ENTRYPOINT, policyPaths } from '../../policies/engine/paths';
import { repoRoot } from '../../lib/paths';

describe('policy bundle', () => {
  test('is not stale: the .rego sources and capabilities hash to what the bundle was built from', () => {
    const hint = 'policies/rego changed since the last build: run `npm run build:policies` and commit policies/bundle';
    expect({ sourceHash: sourceHash(), hint }).toEqual({ sourceHash: bundleMetadata().sourceHash, hint });
  });

  test('the hash covers every rule source and the capabilities file', () => {
    const sources = bundleSources();
    expect(sources).toContain('policies/build/capabilities.json');
    expect(sources).toContain('policies/rego/credex/main.rego');
    for (const rule of bundleMetadata().rules) expect(sources).toContain(rule.file);
    expect(sources.some((s) => s.endsWith('_test.rego'))).toBe(false);
  });

  test("the README's rule table is generated from the current metadata", () => {
    const readme = readFileSync(policyPaths.readme(), 'utf8');
    expect(readme).toBe(renderReadmeRules(readme, bundleMetadata().rules));
  });

  test('docs/policies.md is generated from the current metadata', () => {
    expect(readFileSync(policyPaths.docs(), 'utf8')).toBe(renderPolicyDocs(bundleMetadata().rules));
  });

  test('every rule has an id, a severity, a description and a remediation, and ids are unique', () => {
    const rules = bundleMetadata().rules;
    expect(rules.length).toBeGreaterThanOrEqual(20);
    for (const r of rules) {
      expect(r.id).toMatch(/^CDX-[A-Z0-9]+-\d{3}$/);
      expect(['deny', 'warn']).toContain(r.severity);
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.remediation.length).toBeGreaterThan(10);
      expect(existsSync(path.join(repoRoot(), r.file))).toBe(true);
    }
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  test('capabilities restrict builtins to those the npm opa-wasm SDK can run', () => {
    const caps = JSON.parse(readFileSync(policyPaths.capabilities(), 'utf8'));
    const sdk = JSON.parse(
      readFileSync(path.join(repoRoot(), 'node_modules/@open-policy-agent/opa-wasm/capabilities.json'), 'utf8'),
    );
    const names = (c: { builtins: { name: string }[] }) => c.builtins.map((b) => b.name).sort();
    expect(names(caps)).toEqual(names(sdk));
    expect(caps.features).toContain('rego_v1');
  });

  test('the wasm loads in the SDK and answers an empty normalised input with no findings', async () => {
    const policy = await loadBundle();
    // The findings first (the SDK's default entrypoint), then the effective-permissions query (tools/iam/effective.ts).
    expect(Object.keys(policy.entrypoints)).toEqual([bundleMetadata().entrypoint, EFFECTIVE_ENTRYPOINT]);
    expect(policy.evaluate({ format: 'cdktf', stack: 's', environment: '', resources: {} })).toEqual([{ result: [] }]);
    // Anything else is refused with a finding (CDX-GATE-001), never an empty, passing answer.
    expect(policy.evaluate({ resources: {} })[0].result).toEqual([expect.objectContaining({ rule: 'gate.raw_input' })]);
  });

  test('the engine is loaded once per process', async () => {
    expect(await loadEngine()).toBe(await loadEngine());
  });
});
