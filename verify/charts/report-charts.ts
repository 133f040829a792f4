/**
 * Which charts a verify run gets, writing them into the report folder, and their sections of report.md and of the
 * GitHub job summary. report.ts calls writeCharts and links what it wrote.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeDirectory } from '../../lib/make-dir';
import type { StepResult } from '../types';
import { readLoadSeries } from './series';
import { latencyDistributionSvg, latencyOverTimeSvg, stepDurationsSvg } from './svg';

export const CHARTS_DIR = 'charts';

export interface Chart {
  readonly title: string;
  /** Relative to the report folder. */
  readonly file: string;
}

const STEP_CHART: Chart = { title: 'Time each step took', file: `${CHARTS_DIR}/step-durations.svg` };
const LOAD_CHARTS: readonly Chart[] = [
  { title: 'Load latency over time (p50/p95/p99 per second)', file: `${CHARTS_DIR}/load-latency-over-time.svg` },
  { title: 'Load latency distribution', file: `${CHARTS_DIR}/load-latency-distribution.svg` },
];

/** The charts a run gets, from its steps alone (so report.md can link them without reading the folder). */
export function plannedCharts(steps: readonly StepResult[]): Chart[] {
  if (steps.length === 0) return [];
  const loadRan = steps.some((s) => s.step === 'load' && s.status !== 'skipped');
  return [STEP_CHART, ...(loadRan ? LOAD_CHARTS : [])];
}

/** Writes the charts of a run (exactly plannedCharts(steps)) into `<reportDir>/charts/` and returns them. */
export function writeCharts(reportDir: string, steps: readonly StepResult[]): Chart[] {
  const charts = plannedCharts(steps);
  if (charts.length === 0) return [];
  const engine = steps.find((s) => s.step === 'load')?.figures.engine === 'k6' ? 'k6' : 'embedded';
  const series = charts.length > 1 ? (readLoadSeries(reportDir) ?? { engine, seconds: [] }) : undefined;
  const svgs = [
    stepDurationsSvg(steps),
    ...(series ? [latencyOverTimeSvg(series), latencyDistributionSvg(series)] : []),
  ];
  makeDirectory(path.join(reportDir, CHARTS_DIR));
  charts.forEach((c, i) => writeFileSync(path.join(reportDir, c.file), svgs[i]));
  return charts;
}

/** The charts section of report.md (links relative to the report folder; in CI they travel in its artifact). */
export function chartsMarkdown(charts: readonly Chart[]): string {
  if (charts.length === 0) return '';
  return ['', '### Charts', '', ...charts.map((c) => `- [${c.title}](${c.file})`), ''].join('\n');
}

/** The environment variable naming the artifact the workflow uploads the report folder as (deploy.yml sets it). */
export const REPORT_ARTIFACT_ENV = 'VERIFY_REPORT_ARTIFACT';

/**
 * The charts section of the GitHub job summary. A relative link there points into the repository, not at the
 * charts, and GitHub renders no inline SVG and strips data: URIs from summaries; so the summary names the files and
 * the artifact that holds them, with a link to the run page where the artifact is downloaded.
 */
export function chartsSummaryMarkdown(charts: readonly Chart[], env: NodeJS.ProcessEnv): string {
  if (charts.length === 0) return '';
  const artifact = env[REPORT_ARTIFACT_ENV];
  const run =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const where = artifact
    ? `in the artifact \`${artifact}\` of this run${run ? ` (download it from the [run page](${run}), under Artifacts)` : ''}`
    : 'in the report folder (this job uploads no artifact of it)';
  return [
    '',
    '### Charts',
    '',
    `The charts (SVG) are ${where}:`,
    '',
    ...charts.map((c) => `- ${c.title}: \`${c.file}\``),
    '',
  ].join('\n');
}
