/** The report's charts as plain SVG (no library, deterministic): latency over time, its distribution, step times. */
import type { StepResult } from '../types';
import { BUCKETS_MS, type LoadSeries } from './series';

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
