/**
 * Step 8, report: verify-report/report.json and report.md; the markdown is appended to $GITHUB_STEP_SUMMARY, where
 * the charts are named with the artifact that holds them instead of linked (see chartsSummaryMarkdown).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { makeDirectory } from '../lib/make-dir';
import * as path from 'node:path';
import { redactDeep, redactText } from '../lib/redact';
import { chartsMarkdown, chartsSummaryMarkdown, plannedCharts, writeCharts, type Chart } from './charts';
import type { LoadEngineName, StepResult } from './types';

export interface VerifyReport {
  readonly stack?: string;
  readonly apiUrl?: string;
  readonly outputs?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Milliseconds. */
  readonly duration: number;
  /** true only if every step that ran passed (skipped steps are not required). */
  readonly passed: boolean;
  readonly loadEngine?: LoadEngineName;
  /** Set when SIGINT/SIGTERM stopped the run (the signal's name): the steps are those done so far. */
  readonly interrupted?: string;
  readonly steps: readonly StepResult[];
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const ICON: Record<StepResult['status'], string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' };

/** Markdown cells must not break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function keyFigures(result: StepResult): string {
  return Object.entries(result.figures)
    .slice(0, 12)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? Number(v.toFixed(4)) : v}`)
    .join(', ');
}

/**
 * report.md: the verdict, a table of the steps, the findings and the charts section (`charts`: relative links by
 * default, for the report folder; the job summary passes its own).
 */
export function renderMarkdown(
  report: VerifyReport,
  charts: (planned: readonly Chart[]) => string = chartsMarkdown,
): string {
  const verdict = report.interrupted ? `INTERRUPTED (${report.interrupted})` : report.passed ? 'PASSED' : 'FAILED';
  const title = `## verify${report.stack ? `: ${report.stack}` : ''} — ${verdict}`;
  const lines = [
    title,
    '',
    `Started ${report.startedAt}, took ${formatDuration(report.duration)}${report.apiUrl ? `; API ${report.apiUrl}` : ''}${report.loadEngine ? `; load engine: ${report.loadEngine}` : ''}.`,
    '',
    '| step | status | duration | key figures | message |',
    '| --- | --- | --- | --- | --- |',
    ...report.steps.map(
      (s) =>
        `| ${s.step} | ${ICON[s.status]} | ${formatDuration(s.duration)} | ${cell(keyFigures(s))} | ${cell(s.message)} |`,
    ),
    '',
  ];
  // What verify learned about the app that its operators must know, whatever the verdict.
  const findings = report.steps.flatMap((s) => (s.findings ?? []).map((f) => `- **${s.step}**: ${f}`));
  if (findings.length > 0) lines.push('### Findings', '', ...findings, '');
  return lines.join('\n') + charts(plannedCharts(report.steps)); // the charts writeReport draws
}

/**
 * Writes report.json and report.md into `dir`; appends the markdown to $GITHUB_STEP_SUMMARY when set. Credentials in
 * URLs are redacted from every string first. A job summary that cannot be written is a warning (returned), not a
 * verdict: the report files are the record.
 */
export function writeReport(
  dir: string,
  report: VerifyReport,
  env: NodeJS.ProcessEnv = process.env,
): { json: string; markdown: string; warning?: string } {
  const safe = redactDeep(report);
  makeDirectory(dir);
  const json = path.join(dir, 'report.json');
  const markdown = path.join(dir, 'report.md');
  const md = redactText(renderMarkdown(safe));
  writeCharts(dir, safe.steps); // the charts renderMarkdown links (step durations, load latency), into <dir>/charts/
  writeFileSync(json, `${JSON.stringify(safe, null, 2)}\n`);
  writeFileSync(markdown, md);
  let warning: string | undefined;
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      const summary = redactText(renderMarkdown(safe, (charts) => chartsSummaryMarkdown(charts, env)));
      appendFileSync(env.GITHUB_STEP_SUMMARY, `${summary}\n`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      warning = `could not append to $GITHUB_STEP_SUMMARY (${code ?? (err as Error).message}); the report is in ${markdown}`;
    }
  }
  return { json, markdown, warning };
}
