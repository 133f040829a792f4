/**
 * The load step's latency series, as the charts read it: the embedded engine hands its samples over as a series
 * (load/latency-series.json in the report folder); a k6 run is read from its summary (percentiles) and, when k6
 * wrote one, its CSV output of every request (per-second series).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeDirectory } from '../../lib/make-dir';
import type { LoadEngineName } from '../types';

/** Where the load step leaves its series, relative to the report folder. */
export const LOAD_SERIES_FILE = path.join('load', 'latency-series.json');
/** Where the k6 runner asks k6 for its CSV output, relative to the report folder. */
export const K6_SAMPLES_FILE = path.join('k6', 'k6-samples.csv.gz'); // k6 gzips CSV output named *.gz
export const K6_SUMMARY_FILE = path.join('k6', 'k6-summary.json');

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

/** Nearest-rank percentile of an ascending sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
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
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
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
