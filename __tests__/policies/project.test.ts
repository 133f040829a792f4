/** The project's own stacks, synthesized in-process, pass the gate: no deny finding. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthesizeAll } from '../../main';
import { checkDocuments } from '../../policies/engine/check';
import { enableConstructStackTraces } from '../../policies/engine/location';

test('global, staging and production synthesize with no deny finding', async () => {
  enableConstructStackTraces();
  const out = mkdtempSync(path.join(tmpdir(), 'credex-project-'));
  try {
    const stacks = synthesizeAll(out);
    expect(stacks.map((s) => s.name).sort()).toEqual(['global', 'production', 'staging']);
    const report = await checkDocuments(
      stacks.map((s) => {
        const text = readFileSync(s.file, 'utf8');
        return { label: s.name, file: s.file, text, doc: JSON.parse(text) };
      }),
    );
    const deny = report.findings.filter((f) => f.severity === 'deny').map((f) => `${f.stack} ${f.rule} ${f.address}: ${f.message}`);
    expect(deny).toEqual([]);
    expect(report.summary.resources).toBeGreaterThan(0);
    // Findings on project resources point at the construct that created them.
    for (const f of report.findings.filter((x) => !x.rule.startsWith('CDX-WVR'))) expect(f.source?.file).toMatch(/\.ts$/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
