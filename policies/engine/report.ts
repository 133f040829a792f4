import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Finding, LocatedFinding, Report } from './check';
import { RuleMetadata } from './metadata';

export type ReportFormat = 'text' | 'json' | 'sarif';

const contract = (f: LocatedFinding): Finding => ({
  rule: f.rule,
  severity: f.severity,
  address: f.address,
  message: f.message,
  stack: f.stack,
  document: f.document,
});

/** The JSON contract: exactly {findings, waivers, summary}; the summary lists each document judged. */
export function renderJson(report: Report): string {
  const documents = report.documents.map((d) => ({
    document: d.label,
    stack: d.stack,
    format: d.format,
    resources: d.resources,
  }));
  return (
    JSON.stringify(
      { findings: report.findings.map(contract), waivers: report.waivers, summary: { ...report.summary, documents } },
      null,
      2,
    ) + '\n'
  );
}

/** A readable table grouped by document and severity, then the waivers, then a summary line. */
export function renderText(report: Report): string {
  const lines: string[] = [];
  const labels = [...new Set([...report.documents.map((d) => d.label), ...report.findings.map((f) => f.document)])];
  for (const label of labels) {
    const doc = report.documents.find((d) => d.label === label);
    const mine = report.findings.filter((f) => f.document === label);
    const stack = doc && doc.stack !== label ? `stack ${doc.stack}, ` : '';
    lines.push(
      `${label}${doc ? ` (${stack}${doc.format}, ${doc.resources} resources)` : ''}: ${mine.length === 0 ? 'no findings' : ''}`.trimEnd(),
    );
    for (const severity of ['deny', 'warn'] as const) {
      const group = mine.filter((f) => f.severity === severity);
      if (group.length === 0) continue;
      lines.push(`  ${severity.toUpperCase()} (${group.length})`);
      const width = Math.max(...group.map((f) => f.address.length));
      for (const f of group) {
        const where = f.source ? `  [${f.source.file}:${f.source.line}]` : '';
        lines.push(`    ${f.rule.padEnd(11)} ${f.address.padEnd(width)}  ${f.message}${where}`);
      }
    }
  }
  if (report.waivers.length > 0) {
    lines.push('waivers:');
    for (const w of report.waivers) {
      const expiry = w.expires ? `, expires ${w.expires}` : '';
      lines.push(
        `  ${w.rule} ${w.address} (${w.stack}): ${w.status}, ${w.findings} finding(s)${expiry}; reason: ${w.reason || '(none)'}`,
      );
    }
  }
  const s = report.summary;
  lines.push(
    `policy-check: ${s.stacks} document(s), ${s.resources} resources, ${s.deny} deny, ${s.warn} warn, ${s.waived} waived: ${s.passed ? 'passed' : 'FAILED'}`,
  );
  return lines.join('\n') + '\n';
}

/** GitHub code scanning's numeric severity (a string): 7.0-8.9 is "high", 4.0-6.9 "medium". */
export const SECURITY_SEVERITY: Record<RuleMetadata['severity'], string> = { deny: '8.0', warn: '5.0' };

/** Where the rules are documented: docs/policies.md in the repository, at the rule's anchor. */
export function docsBaseUri(env: NodeJS.ProcessEnv = process.env): string {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const repo = env.GITHUB_REPOSITORY || DEFAULT_REPOSITORY;
  const ref = env.GITHUB_SHA || 'HEAD';
  return `${server}/${repo}/blob/${ref}/docs/policies.md`;
}

/** The repository when GITHUB_REPOSITORY is not set (runs outside GitHub Actions). */
export const DEFAULT_REPOSITORY = 'credex/credex-infra';

/** The anchor of a rule's section in docs/policies.md ("#cdx-sg-001"). */
export const ruleAnchor = (id: string): string => id.toLowerCase();

function sarifRule(r: RuleMetadata, docs: string) {
  return {
    id: r.id,
    helpUri: `${docs}#${ruleAnchor(r.id)}`,
    name: r.key.replace(/^[^.]*\./, '').replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: {
      text: `${r.description}\nFix: ${r.remediation}`,
      markdown: `${r.description}\n\n**Fix:** ${r.remediation}`,
    },
    defaultConfiguration: { level: r.severity === 'deny' ? 'error' : 'warning' },
    properties: {
      tags: ['security', 'terraform'],
      severity: r.severity,
      'security-severity': SECURITY_SEVERITY[r.severity],
      precision: 'high',
      source: r.file,
    },
  };
}

/** Repository files relative to %SRCROOT%; files elsewhere (an --input outside the repo) as file:// URIs. */
const artifact = (file: string) =>
  path.isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: file, uriBaseId: '%SRCROOT%' };

/**
 * SARIF 2.1.0 for GitHub code scanning: locations point at the TypeScript that created the resource when known.
 * No automationDetails.id: upload-sarif's `category` names the run, and an id in the file would override it.
 */
export function renderSarif(report: Report, env: NodeJS.ProcessEnv = process.env): string {
  const docs = docsBaseUri(env);
  const rules = [...report.rules].sort((a, b) => a.id.localeCompare(b.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const result = (f: LocatedFinding) => {
    const loc = f.source ?? f.generated;
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule) ?? -1,
      level: f.severity === 'deny' ? 'error' : 'warning',
      message: { text: `${f.address}: ${f.message}` },
      locations: [
        {
          ...(loc
            ? {
                physicalLocation: {
                  artifactLocation: artifact(loc.file),
                  region: { startLine: Math.max(1, loc.line), startColumn: Math.max(1, loc.column) },
                },
              }
            : {}),
          logicalLocations: [{ fullyQualifiedName: `${f.stack}/${f.address}`, name: f.address, kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'credexFinding/v1': `${f.rule}|${f.stack}|${f.address}|${f.message}` },
      properties: {
        stack: f.stack,
        document: f.document,
        address: f.address,
        ...(f.generated ? { generated: `${f.generated.file}:${f.generated.line}` } : {}),
      },
      // A waived finding stays visible as a suppressed result; the waiver is recorded beside the construct and
      // applied by the gate, outside the analysed artifact: kind external, the waiver's reason as justification.
      ...(f.waivedBy
        ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.waivedBy.reason }] }
        : {}),
    };
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'credex-policy-check',
            semanticVersion: '2.0.0',
            informationUri: docs,
            rules: rules.map((r) => sarifRule(r, docs)),
          },
        },
        results: [...report.findings, ...report.waived].map(result),
        properties: { summary: report.summary, waivers: report.waivers },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

export function render(report: Report, format: ReportFormat): string {
  if (format === 'json') return renderJson(report);
  if (format === 'sarif') return renderSarif(report);
  return renderText(report);
}
