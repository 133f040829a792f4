/**
 * Charts in the verify report: per-second percentiles and the histogram from samples (the embedded engine's, and k6's
 * CSV output), percentiles from a k6 summary, the SVGs written next to report.md and linked from it and from the job
 * summary, each rendered to PNG (resvg) and looked at: its size, not blank, the series' colours present. One run of
 * the embedded engine against a real local HTTP server feeds them end to end.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  K6_SAMPLES_FILE,
  K6_SUMMARY_FILE,
  latencyOverTimeSvg,
  niceScale,
  readLoadSeries,
  samplesFromK6Csv,
  SERIES_COLOURS,
  seriesFromSamples,
  writeCharts,
  writeLoadSeries,
} from '../../verify/charts';
import { runEmbeddedLoad } from '../../verify/load/embedded';
import { writeReport, type VerifyReport } from '../../verify/report';
import type { StepResult } from '../../verify/types';
import { declaredSize, look } from '../tools/diagram/png';

const steps: StepResult[] = [
  { step: 'outputs', status: 'passed', duration: 3, figures: {}, message: 'ok' },
  { step: 'ecs-stable', status: 'passed', duration: 1200, figures: {}, message: 'ok' },
  { step: 'api-health', status: 'passed', duration: 80, figures: {}, message: 'ok' },
  { step: 'neo4j', status: 'failed', duration: 900, figures: {}, message: 'timeout' },
  { step: 'load', status: 'passed', duration: 2100, figures: {}, message: 'ok' },
];

function report(dir: string, s: StepResult[] = steps): VerifyReport {
  return {
    stack: 'staging',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
    duration: 5000,
    passed: false,
    loadEngine: 'embedded',
    steps: s,
    outputs: dir,
  };
}

describe('series', () => {
  it('per-second p50/p95/p99 and a histogram from samples', () => {
    // Second 0: 1..100 ms; second 1: 200 ms twice.
    const latencies = [...Array.from({ length: 100 }, (_, i) => i + 1), 200, 200];
    const offsets = [...Array.from({ length: 100 }, (_, i) => i * 9), 1500, 1999];
    const s = seriesFromSamples('embedded', offsets, latencies);
    expect(s.seconds).toEqual([
      { second: 0, count: 100, p50: 50, p95: 95, p99: 99 },
      { second: 1, count: 2, p50: 200, p95: 200, p99: 200 },
    ]);
    const count = (upTo: number) => s.histogram!.find((b) => b.upToMs === upTo)!.count;
    expect(count(1)).toBe(1);
    expect(count(2)).toBe(1);
    expect(count(50)).toBe(30); // 21..50
    expect(count(100)).toBe(50);
    expect(count(200)).toBe(2);
    expect(s.histogram!.reduce((n, b) => n + b.count, 0)).toBe(102);
  });

  it("reads k6's CSV output (http_req_duration rows only, seconds since the first)", () => {
    const csv = [
      'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata',
      'http_reqs,1700000000,1.000000,,,,true,,GET,http://x/health,HTTP/1.1,default,,200,,,http://x/health,,',
      'http_req_duration,1700000000,12.500000,,,,true,,GET,http://x/health,HTTP/1.1,default,,200,,,http://x/health,,',
      'http_req_duration,1700000002,30.000000,,,,true,,GET,http://x/health,HTTP/1.1,default,,200,,,http://x/health,,',
      'checks,1700000002,1.000000,status is 2xx,,,,,,,,default,,,,,,,',
    ].join('\n');
    expect(samplesFromK6Csv(csv)).toEqual({ offsetsMs: [0, 2000], latenciesMs: [12.5, 30] });
  });

  it('a k6 run: CSV for the time series, summary for the percentiles', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'charts-k6-'));
    mkdirSync(path.join(dir, 'k6'));
    writeFileSync(
      path.join(dir, K6_SUMMARY_FILE),
      JSON.stringify({ metrics: { http_req_duration: { values: { med: 10, 'p(95)': 40, 'p(99)': 80, max: 120 } } } }),
    );
    const summaryOnly = readLoadSeries(dir)!;
    expect(summaryOnly.seconds).toEqual([]);
    expect(summaryOnly.percentiles).toEqual([
      { label: 'p50', ms: 10 },
      { label: 'p95', ms: 40 },
      { label: 'p99', ms: 80 },
      { label: 'max', ms: 120 },
    ]);
    expect(latencyOverTimeSvg(summaryOnly)).toContain('k6 wrote no CSV output');
    writeFileSync(
      path.join(dir, K6_SAMPLES_FILE),
      gzipSync('metric_name,timestamp,metric_value\nhttp_req_duration,1700000000,5\nhttp_req_duration,1700000001,7\n'),
    );
    const withCsv = readLoadSeries(dir)!;
    expect(withCsv.seconds.map((s) => [s.second, s.p50])).toEqual([
      [0, 5],
      [1, 7],
    ]);
    expect(withCsv.percentiles).toHaveLength(4);
  });

  it.each([
    [0, 1, 0.2],
    [7, 8, 2],
    [0.73, 0.8, 0.2],
    [1234, 1250, 250],
  ])('niceScale(%p) -> max %p, step %p', (max, niceMax, step) => {
    expect(niceScale(max)).toEqual({ max: niceMax, step });
  });
});

describe('charts in the report', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      // Every tenth answer is slower, so p99 stands apart from p50.
      const slow = Math.random() < 0.1;
      setTimeout(() => res.end('{"status":"ok"}'), slow ? 8 : 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('an embedded load run: series in the report folder, three charts written, linked and rendered', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'charts-report-'));
    const figures = await runEmbeddedLoad(url, {
      paths: ['/health'],
      virtualUsers: 2,
      durationSeconds: 2,
      thresholds: { p95Ms: 1000, maxErrorRate: 0.01, minChecksRate: 0.99 },
    } as never);
    expect(figures.series!.seconds.length).toBeGreaterThanOrEqual(2);
    expect(figures.series!.seconds.reduce((n, s) => n + s.count, 0)).toBe(figures.responses);
    writeLoadSeries(dir, figures.series!);

    const summary = path.join(dir, 'summary.md');
    const written = writeReport(dir, report(dir), { GITHUB_STEP_SUMMARY: summary });
    const md = readFileSync(written.markdown, 'utf8');
    for (const link of [
      '[Time each step took](charts/step-durations.svg)',
      '[Load latency over time (p50/p95/p99 per second)](charts/load-latency-over-time.svg)',
      '[Load latency distribution](charts/load-latency-distribution.svg)',
    ])
      expect(md).toContain(link);
    // The job summary: no relative link (GitHub resolves it against the repository, not the artifact); the files are
    // named with the artifact holding them and a link to the run page where it is downloaded.
    const summaryText = readFileSync(summary, 'utf8');
    expect(summaryText).not.toMatch(/\]\((?!https:\/\/)/);
    expect(summaryText).toContain(
      '- Load latency over time (p50/p95/p99 per second): `charts/load-latency-over-time.svg`',
    );
    expect(summaryText).toContain('The charts (SVG) are in the report folder (this job uploads no artifact of it):');
    const ci = path.join(dir, 'summary-ci.md');
    writeReport(dir, report(dir), {
      GITHUB_STEP_SUMMARY: ci,
      VERIFY_REPORT_ARTIFACT: 'verify-report-staging-42',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'Credex/credex-infra',
      GITHUB_RUN_ID: '42',
    });
    const ciText = readFileSync(ci, 'utf8');
    expect(ciText).toContain(
      'The charts (SVG) are in the artifact `verify-report-staging-42` of this run (download it from the ' +
        '[run page](https://github.com/Credex/credex-infra/actions/runs/42), under Artifacts):',
    );
    expect(ciText.match(/\]\(([^)]*)\)/g)).toEqual(['](https://github.com/Credex/credex-infra/actions/runs/42)']);

    for (const name of ['step-durations', 'load-latency-over-time', 'load-latency-distribution']) {
      const svg = readFileSync(path.join(dir, 'charts', `${name}.svg`), 'utf8');
      const png = look(svg);
      writeFileSync(path.join(dir, 'charts', `${name}.png`), png.png);
      expect({ width: png.width, height: png.height }).toEqual(declaredSize(svg));
      expect(png.width).toBe(760);
      expect(png.inked).toBeGreaterThan(0.02);
      if (name === 'load-latency-over-time')
        for (const colour of Object.values(SERIES_COLOURS)) expect(png.count(colour, 10)).toBeGreaterThan(50);
      if (name === 'step-durations') {
        expect(png.count('#1a7f37', 10)).toBeGreaterThan(500); // passed steps in green
        expect(png.count('#cf222e', 10)).toBeGreaterThan(500); // the failed step in red
      }
    }
  });

  it('no load step ran: only the step chart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'charts-noload-'));
    const charts = writeCharts(dir, steps.slice(0, 3));
    expect(charts.map((c) => c.file)).toEqual(['charts/step-durations.svg']);
  });
});
