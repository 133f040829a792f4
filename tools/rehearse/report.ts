/**
 * The rehearsal's report: rehearsal.json (the whole RehearsalReport, which tests read) and rehearsal.md (what ran for
 * real, what stood in for what, the figures), beside verify's own reports (verify/, verify-moto/). No secret value
 * is ever in the report: variables by name, users by name, passwords only compared.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { redactDeep, redactText } from '../../lib/redact';
import type { RehearsalReport } from './rehearsal';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderRehearsal(r: RehearsalReport): string {
  const verdict = r.interrupted ? `INTERRUPTED (${r.interrupted})` : r.passed ? 'PASSED' : 'FAILED';
  const lines = [`## Deploy rehearsal: ${r.stack} — ${verdict}`, ''];
  lines.push(
    `Started ${r.startedAt}, took ${r.durationSeconds.toFixed(0)} s.${r.failure ? ` First failure: ${r.failure}` : ''}`,
    '',
  );

  lines.push('### What ran for real', '');
  lines.push(
    '- Terraform 1.11 with the hashicorp/aws 5.100.0 provider from the local mirror: init, apply (the AMI bake command inside it), a second plan, destroy, for global and the stack',
    `- the credex-core app${r.app ? ` (${r.app.appDir}, lock ${r.app.lockHash}, sources ${r.app.sourceHash})` : ''}, built as its Dockerfile does and run with \`node build/src/index.js\``,
    `- two Neo4j ${r.neo4j?.version ?? '5.26'} servers, the rotation function's deployment bundle, the deploy workflow's put-app-secret.sh${r.appSecret ? ` (AWS CLI: ${r.appSecret.awsCli})` : ''}, verify's command`,
    '',
  );

  lines.push('### What stood in for what', '', '| stand-in | for | how |', '| --- | --- | --- |');
  for (const s of r.standIns) lines.push(`| ${cell(s.what)} | ${cell(s.standsFor)} | ${cell(s.how)} |`);
  for (const l of r.lifecycles) {
    for (const c of l.changes.filter((c) => ['stand-in', 'excluded', 'moto-set-aside'].includes(c.kind))) {
      const label =
        c.kind === 'stand-in'
          ? 'stand-in'
          : c.kind === 'excluded'
            ? 'left out (moto cannot serve it)'
            : 'set aside (moto cannot serve it)';
      lines.push(
        `| ${cell(`${l.stack}: ${c.subject}`)} | ${label} | ${cell(('instead' in c && c.instead ? `${c.instead}: ` : '') + c.reason)} |`,
      );
    }
  }
  lines.push('');

  lines.push('### Figures', '', '| phase | seconds |', '| --- | --- |');
  for (const p of r.phases) lines.push(`| ${p.phase} | ${p.seconds.toFixed(1)} |`);
  for (const l of r.lifecycles)
    lines.push(`| ${l.stack}: ${l.phases.map((p) => `${p.phase} ${p.seconds.toFixed(0)}`).join(', ')} | |`);
  lines.push(`| total | ${r.durationSeconds.toFixed(1)} |`, '');
  if (r.memory)
    lines.push(
      `Peak memory (RSS of the rehearsal's process tree, sampled each second): **${r.memory.peakMiB} MiB**; by command: ${r.memory.byCommand
        .slice(0, 6)
        .map((c) => `${c.command} ${c.peakMiB} MiB`)
        .join(', ')}.`,
      '',
    );
  for (const l of r.lifecycles)
    lines.push(
      `- ${l.stack}: ${l.appliedAndDestroyed} of ${l.resources} resources applied and destroyed against moto, ${l.keptProtected.length} kept by prevent_destroy; second plan: ${l.secondPlan?.unexplained.length ?? '?'} unexplained change(s)`,
    );
  if (r.app)
    lines.push(
      `- app: started with ${r.app.variables.length} variables (${r.app.variables.join(', ')}), the contract's set: ${r.app.variablesAreTheContract}; healthy ${r.app.startMs} ms after start; install ${r.app.installSeconds.toFixed(0)} s, compile ${r.app.compileSeconds.toFixed(0)} s (0: cached)`,
    );
  const load = r.verify?.steps.find((s) => s.step === 'load');
  if (load) lines.push(`- load: ${load.message}`);
  const rate = r.verify?.steps.find((s) => s.step === 'rate-limit');
  if (rate) lines.push(`- rate-limit probe: ${rate.message}`);
  if (r.rotation) {
    const p = r.rotation.probes;
    for (const s of r.rotation.spaces)
      lines.push(
        `- rotation ${s.space}: ${s.steps.map((x) => `${x.step} ${x.ok ? 'ok' : 'FAILED'} ${x.seconds.toFixed(1)} s`).join(', ')}`,
      );
    lines.push(
      `- the app during the rotation: ${p.served} of ${p.sent} probes served, ${p.failed} failed, ${p.rateLimited} rate-limited${p.failures.length ? ` (${p.failures.join('; ')})` : ''}`,
      `- new deployments forced by the rotation, seen in moto: ${r.rotation.forcedNewDeployments} (one per space; the app restarted after each)`,
    );
    const re = r.rotation.restart;
    if (re)
      lines.push(
        `- last restart (after ${re.after}): healthy in ${re.startMs} ms as ${Object.entries(re.users)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}; passwords are the rotated ones: ${re.passwordsAreRotated}; ${re.ledger}; Neo4j sees the app's connections as ${re.ledgerConnectionUsers.join(', ') || '(not listed)'}`,
      );
  }
  lines.push('');

  if (r.verify) {
    lines.push(
      `### verify (${r.verify.passed ? 'passed' : 'failed'})`,
      '',
      '| step | status | message |',
      '| --- | --- | --- |',
    );
    for (const s of r.verify.steps.filter((s) => s.status !== 'skipped' || !/not selected/.test(s.message)))
      lines.push(`| ${s.step} | ${s.status} | ${cell(s.message)} |`);
    for (const m of r.againstMoto) lines.push(`| ${m.step} | ${m.status} | ${cell(m.note)} |`);
    lines.push('', `verify's own reports: ${path.basename(r.verify.reportDir)}/report.md, verify-moto/report.md`, '');
  }
  if (r.findings.length > 0) lines.push('### Findings', '', ...r.findings.map((f) => `- ${f}`), '');
  return lines.join('\n');
}

/** Writes rehearsal.json and rehearsal.md into `dir`; returns their paths. */
export function writeRehearsalReport(dir: string, report: RehearsalReport): { json: string; markdown: string } {
  const safe = redactDeep(report);
  const json = path.join(dir, 'rehearsal.json');
  const markdown = path.join(dir, 'rehearsal.md');
  writeFileSync(json, `${JSON.stringify(safe, null, 2)}\n`);
  writeFileSync(markdown, redactText(renderRehearsal(safe)));
  return { json, markdown };
}
