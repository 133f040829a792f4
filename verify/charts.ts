/**
 * Charts in the verify report, as plain SVG written here (no library, deterministic): the load step's latency over
 * time (p50/p95/p99 per second), its distribution, and the time each step took. The embedded engine hands its
 * samples over as a series (load/latency-series.json in the report folder); a k6 run is read from its summary
 * (percentiles) and, when k6 wrote one, its CSV output of every request (per-second series). report.ts calls
 * writeCharts and links what it wrote.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { makeDirectory } from '../lib/make-dir';
import { gunzipSync } from 'node:zlib';
import * as path from 'node:path';
import type { LoadEngineName, StepResult } from './types';

/** Where the load step leaves its series, relative to the report folder. */
export const LOAD_SERIES_FILE = path.join('load', 'latency-series.json');
/** Where the k6 runner asks k6 for its CSV output, relative to the report folder. */
export const K6_SAMPLES_FILE = path.join('k6', 'k6-samples.csv.gz'); // k6 gzips CSV output named *.gz
export const K6_SUMMARY_FILE = path.join('k6', 'k6-summary.json');
export const CHARTS_DIR = 'charts';

export interface LatencySecond {
  /** Seconds since the first sample. */
  readonly second: number;
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface LatencyBucket {
  /** Upper bound in ms (Infinity for the last). */
  readonly upToMs: number;
  readonly count: number;
}

export interface LoadSeries {
  readonly engine: LoadEngineName;
  /** Per second; empty when the source has no time series. */
  readonly seconds: readonly LatencySecond[];
  /** A histogram of every latency, or (k6 summary only) named percentiles. */
  readonly histogram?: readonly LatencyBucket[];
  readonly percentiles?: readonly { readonly label: string; readonly ms: number }[];
}

/** Bucket bounds of the histogram, ms. */
export const BUCKETS_MS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, Infinity];

function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Per-second percentiles and a histogram from samples: `offsetsMs[i]` is when latency `latenciesMs[i]` ended. */
export function seriesFromSamples(
  engine: LoadEngineName,
  offsetsMs: readonly number[],
  latenciesMs: readonly number[],
): LoadSeries {
  const perSecond = new Map<number, number[]>();
  const histogram = BUCKETS_MS.map(() => 0);
  latenciesMs.forEach((ms, i) => {
    const second = Math.floor((offsetsMs[i] ?? 0) / 1000);
    let bucket = perSecond.get(second);
    if (!bucket) perSecond.set(second, (bucket = []));
    bucket.push(ms);
    histogram[BUCKETS_MS.findIndex((upTo) => ms <= upTo)]++;
  });
  const seconds = [...perSecond.keys()]
    .sort((a, b) => a - b)
    .map((second) => {
      const sorted = perSecond.get(second)!.sort((a, b) => a - b);
      return {
        second,
        count: sorted.length,
        p50: nearestRank(sorted, 50),
        p95: nearestRank(sorted, 95),
        p99: nearestRank(sorted, 99),
      };
    });
  return { engine, seconds, histogram: BUCKETS_MS.map((upToMs, i) => ({ upToMs, count: histogram[i] })) };
}

/** k6's CSV output (`--out csv=FILE`): the http_req_duration rows, timestamp in unix seconds (or ms, µs). */
export function samplesFromK6Csv(text: string): { offsetsMs: number[]; latenciesMs: number[] } {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').split(',');
  const [name, time, value] = ['metric_name', 'timestamp', 'metric_value'].map((h) => header.indexOf(h));
  const rows: [number, number][] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('http_req_duration,')) continue;
    const cells = line.split(',');
    if (cells[name] !== 'http_req_duration') continue;
    const raw = Number(cells[time]);
    // k6 writes unix seconds by default; K6_CSV_TIME_FORMAT=unix_milli or unix_micro give finer times.
    const ms = raw > 1e14 ? raw / 1000 : raw > 1e11 ? raw : raw * 1000;
    rows.push([ms, Number(cells[value])]);
  }
  const start = rows.length ? Math.min(...rows.map(([t]) => t)) : 0;
  return { offsetsMs: rows.map(([t]) => t - start), latenciesMs: rows.map(([, v]) => v) };
}

/** Named percentiles of http_req_duration from a k6 summary (handleSummary data or --summary-export shape). */
export function percentilesFromK6Summary(doc: unknown): { label: string; ms: number }[] {
  const metric = (doc as { metrics?: Record<string, unknown> })?.metrics?.http_req_duration as
    { values?: Record<string, number> } | undefined;
  const values = (metric?.values ?? metric ?? {}) as Record<string, number>;
  const out: { label: string; ms: number }[] = [];
  for (const [key, label] of [
    ['min', 'min'],
    ['med', 'p50'],
    ['avg', 'avg'],
    ['p(90)', 'p90'],
    ['p(95)', 'p95'],
    ['p(99)', 'p99'],
    ['max', 'max'],
  ])
    if (typeof values[key] === 'number') out.push({ label, ms: values[key] });
  return out;
}

/** Writes the series the load step measured where writeCharts finds it. */
export function writeLoadSeries(reportDir: string, series: LoadSeries): void {
  const file = path.join(reportDir, LOAD_SERIES_FILE);
  makeDirectory(path.dirname(file));
  writeFileSync(file, `${JSON.stringify(series)}\n`);
}

/** The load series of a report folder: the embedded engine's file, else k6's CSV and summary; undefined if none. */
export function readLoadSeries(reportDir: string): LoadSeries | undefined {
  const seriesFile = path.join(reportDir, LOAD_SERIES_FILE);
  if (existsSync(seriesFile)) return JSON.parse(readFileSync(seriesFile, 'utf8')) as LoadSeries;
  const csv = path.join(reportDir, K6_SAMPLES_FILE);
  const summary = path.join(reportDir, K6_SUMMARY_FILE);
  if (!existsSync(csv) && !existsSync(summary)) return undefined;
  const fromCsv = existsSync(csv) ? samplesFromK6Csv(gunzipSync(readFileSync(csv)).toString('utf8')) : undefined;
  const base: LoadSeries = fromCsv?.latenciesMs.length
    ? seriesFromSamples('k6', fromCsv.offsetsMs, fromCsv.latenciesMs)
    : { engine: 'k6', seconds: [] };
  const percentiles = existsSync(summary)
    ? percentilesFromK6Summary(JSON.parse(readFileSync(summary, 'utf8')))
    : undefined;
  return { ...base, percentiles };
}

// ---- drawing ------------------------------------------------------------------------------------------------------

const W = 760;
const H = 340;
const M = { left: 64, right: 150, top: 40, bottom: 48 };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
export const SERIES_COLOURS = { p50: '#0969da', p95: '#bc4c00', p99: '#cf222e' } as const;
const STATUS_COLOURS: Record<StepResult['status'], string> = {
  passed: '#1a7f37',
  failed: '#cf222e',
  skipped: '#8c959f',
};

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(n: number): string {
  return Number(n.toFixed(2)).toString();
}

/** A "nice" axis maximum and step for values up to `max`. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  return { max: Math.ceil(max / step) * step, step };
}

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="24" ${FONT} font-size="15" font-weight="bold" fill="#24292f">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function yAxis(maxValue: number, unit: string): { y: (v: number) => number; lines: string[] } {
  const { max, step } = niceScale(maxValue);
  const plotH = H - M.top - M.bottom;
  const y = (v: number) => M.top + plotH - (v / max) * plotH;
  const lines: string[] = [];
  for (let v = 0; v <= max + step / 2; v += step) {
    lines.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${num(y(v))}" y2="${num(y(v))}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${M.left - 6}" y="${num(y(v) + 4)}" ${FONT} font-size="11" text-anchor="end" fill="#57606a">${num(v)}</text>`,
    );
  }
  lines.push(
    `<text x="16" y="${M.top + plotH / 2}" ${FONT} font-size="11" fill="#57606a" transform="rotate(-90 16 ${M.top + plotH / 2})" text-anchor="middle">${esc(unit)}</text>`,
  );
  return { y, lines };
}

/** p50/p95/p99 latency per second as three lines. */
export function latencyOverTimeSvg(series: LoadSeries): string {
  const title = `Load latency over time (${series.engine}): p50 / p95 / p99 per second`;
  if (series.seconds.length === 0)
    return frame(title, [
      `<text x="${M.left}" y="${H / 2}" ${FONT} font-size="13" fill="#57606a">no time series: ${series.engine === 'k6' ? 'k6 wrote no CSV output; its summary holds percentiles only (see the distribution chart)' : 'no request was answered'}</text>`,
    ]);
  const maxMs = Math.max(...series.seconds.map((s) => s.p99));
  const { y, lines } = yAxis(maxMs, 'latency (ms)');
  const last = Math.max(1, series.seconds[series.seconds.length - 1].second);
  const plotW = W - M.left - M.right;
  const x = (second: number) => M.left + (second / last) * plotW;
  const body = [...lines];
  const xStep = niceScale(last, 6).step;
  for (let s = 0; s <= last + xStep / 2; s += xStep)
    body.push(
      `<text x="${num(x(s))}" y="${H - M.bottom + 16}" ${FONT} font-size="11" text-anchor="middle" fill="#57606a">${num(s)}</text>`,
    );
  body.push(
    `<text x="${M.left + plotW / 2}" y="${H - 12}" ${FONT} font-size="11" text-anchor="middle" fill="#57606a">seconds since the start of the load</text>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#57606a"/>`,
  );
  (['p50', 'p95', 'p99'] as const).forEach((key, i) => {
    const points = series.seconds.map((s) => `${num(x(s.second))},${num(y(s[key]))}`).join(' ');
    body.push(
      series.seconds.length === 1
        ? `<circle cx="${num(x(series.seconds[0].second))}" cy="${num(y(series.seconds[0][key]))}" r="4" fill="${SERIES_COLOURS[key]}"/>`
        : `<polyline points="${points}" fill="none" stroke="${SERIES_COLOURS[key]}" stroke-width="2.5" stroke-linejoin="round"/>`,
      `<rect x="${W - M.right + 16}" y="${M.top + 10 + i * 22}" width="14" height="14" fill="${SERIES_COLOURS[key]}"/>`,
      `<text x="${W - M.right + 36}" y="${M.top + 22 + i * 22}" ${FONT} font-size="12" fill="#24292f">${key}</text>`,
    );
  });
  const total = series.seconds.reduce((n, s) => n + s.count, 0);
  body.push(
    `<text x="${W - M.right + 16}" y="${M.top + 100}" ${FONT} font-size="11" fill="#57606a">${total} responses</text>`,
  );
  return frame(title, body);
}

function barLabel(upTo: number, previous: number | undefined): string {
  if (upTo === Infinity) return `>${num(previous ?? 0)}`;
  return `≤${num(upTo)}`;
}

/** The distribution: a histogram of every latency, or k6's named percentiles. */
export function latencyDistributionSvg(series: LoadSeries): string {
  const bars: { label: string; value: number }[] = series.histogram?.length
    ? (() => {
        const h = series.histogram!;
        const first = h.findIndex((b) => b.count > 0);
        const lastIdx = h.length - 1 - [...h].reverse().findIndex((b) => b.count > 0);
        const shown = first < 0 ? h.slice(0, 1) : h.slice(first, lastIdx + 1);
        return shown.map((b) => ({
          label: barLabel(b.upToMs, BUCKETS_MS[BUCKETS_MS.indexOf(b.upToMs) - 1]),
          value: b.count,
        }));
      })()
    : (series.percentiles ?? []).map((p) => ({ label: p.label, value: p.ms }));
  const histogram = !!series.histogram?.length;
  const title = histogram
    ? `Load latency distribution (${series.engine}): responses per latency bucket (ms)`
    : `Load latency distribution (${series.engine} summary): percentiles (ms)`;
  if (bars.length === 0)
    return frame(title, [
      `<text x="${M.left}" y="${H / 2}" ${FONT} font-size="13" fill="#57606a">no latency recorded</text>`,
    ]);
  const { y, lines } = yAxis(Math.max(...bars.map((b) => b.value)), histogram ? 'responses' : 'latency (ms)');
  const plotW = W - M.left - M.right + 120;
  const slot = plotW / bars.length;
  const body = [...lines];
  bars.forEach((b, i) => {
    const x = M.left + i * slot + slot * 0.15;
    const top = y(b.value);
    body.push(
      `<rect x="${num(x)}" y="${num(top)}" width="${num(slot * 0.7)}" height="${num(H - M.bottom - top)}" fill="#0969da"/>`,
      `<text x="${num(x + slot * 0.35)}" y="${H - M.bottom + 16}" ${FONT} font-size="11" text-anchor="middle" fill="#57606a">${esc(b.label)}</text>`,
      `<text x="${num(x + slot * 0.35)}" y="${num(top - 4)}" ${FONT} font-size="10" text-anchor="middle" fill="#24292f">${num(b.value)}</text>`,
    );
  });
  return frame(title, body);
}

/** The time each step took, as bars laid end to end in the order the steps ran. */
export function stepDurationsSvg(steps: readonly StepResult[]): string {
  const title = 'Time each verify step took';
  const rowH = 26;
  const height = M.top + 20 + steps.length * rowH + 50;
  const total = Math.max(
    1,
    steps.reduce((n, s) => n + s.duration, 0),
  );
  const left = 120;
  const plotW = W - left - 120;
  const x = (ms: number) => left + (ms / total) * plotW;
  const body: string[] = [];
  let start = 0;
  steps.forEach((s, i) => {
    const top = M.top + 10 + i * rowH;
    const width = Math.max(2, x(start + s.duration) - x(start));
    body.push(
      `<text x="${left - 8}" y="${top + 15}" ${FONT} font-size="12" text-anchor="end" fill="#24292f">${esc(s.step)}</text>`,
      `<rect x="${num(x(start))}" y="${top + 3}" width="${num(width)}" height="${rowH - 8}" fill="${STATUS_COLOURS[s.status]}"/>`,
      `<text x="${num(x(start) + width + 6)}" y="${top + 15}" ${FONT} font-size="11" fill="#57606a">${esc(s.duration < 1000 ? `${Math.round(s.duration)} ms` : `${(s.duration / 1000).toFixed(1)} s`)} ${s.status}</text>`,
    );
    start += s.duration;
  });
  const axisY = M.top + 14 + steps.length * rowH;
  body.push(`<line x1="${left}" x2="${left + plotW}" y1="${axisY}" y2="${axisY}" stroke="#57606a"/>`);
  const step = niceScale(total / 1000, 6).step;
  for (let sec = 0; sec <= total / 1000 + 1e-9; sec += step)
    body.push(
      `<text x="${num(x(sec * 1000))}" y="${axisY + 16}" ${FONT} font-size="11" text-anchor="middle" fill="#57606a">${num(sec)} s</text>`,
    );
  return frame(title, body)
    .replace(`height="${H}" viewBox="0 0 ${W} ${H}"`, `height="${height}" viewBox="0 0 ${W} ${height}"`)
    .replace(`<rect width="${W}" height="${H}"`, `<rect width="${W}" height="${height}"`);
}

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
