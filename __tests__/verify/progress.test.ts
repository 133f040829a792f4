/**
 * verify's progress lines: NO_COLOR (any non-empty value) and output that is not a terminal get no colour; in CI a
 * long step prints a heartbeat line at a bounded interval, with what it waits for.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { autoProgress, HEARTBEAT_MS, plainProgress } from '../../verify/progress';
import { runVerify } from '../../verify/runner';
import type { StepResult } from '../../verify/types';
import { send, startHttpServer, type TestHttpServer } from './helpers/http-server';

/** A stream that says it is a terminal (or not), collecting what is written. */
function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  Object.assign(stream, { isTTY, columns: 100 });
  return { stream, text: () => text };
}

const passed: StepResult = { step: 'api-health', status: 'passed', duration: 12, figures: {}, message: 'ok' };
const failed: StepResult = { ...passed, status: 'failed', message: 'down' };
const COLOUR = /\x1b\[(3\d|2|0)m/; // eslint-disable-line no-control-regex

async function show(env: NodeJS.ProcessEnv, isTTY: boolean): Promise<string> {
  const { stream, text } = terminal(isTTY);
  const progress = autoProgress(env, stream);
  progress.start('api-health');
  progress.end(passed);
  progress.start('smoke');
  progress.end({ ...failed, step: 'smoke' });
  await new Promise((resolve) => setImmediate(resolve));
  return text();
}

describe('colour', () => {
  test('a terminal without NO_COLOR: coloured status lines', async () => {
    expect(await show({}, true)).toMatch(COLOUR);
    expect(await show({ NO_COLOR: '' }, true)).toMatch(COLOUR); // empty means unset (no-color.org)
  });

  test.each(['1', 'true', 'yes', '0'])(
    'NO_COLOR=%s: no colour at a terminal, the spinner and lines still there',
    async (value) => {
      const out = await show({ NO_COLOR: value }, true);
      expect(out).not.toMatch(COLOUR);
      expect(out).toContain('✔ api-health');
      expect(out).toContain('✖ smoke');
    },
  );

  test('not a terminal, or in CI: plain lines, no control characters at all', async () => {
    for (const [env, tty] of [
      [{}, false],
      [{ CI: 'true' }, true],
    ] as const) {
      const out = await show(env, tty);
      expect(out).not.toContain('\x1b[');
      expect(out).not.toContain('\r');
      expect(out.split('\n')[0]).toBe('… api-health running');
    }
  });
});

describe('heartbeat', () => {
  let down: TestHttpServer;
  beforeAll(async () => {
    down = await startHttpServer((_req, res) => send(res, 503, 'maintenance'));
  });
  afterAll(() => down.close());

  test('a step that waits prints a line per interval saying how long and what the last check answered', async () => {
    const { stream, text } = terminal(false);
    const report = await runVerify({
      only: ['api-health'],
      apiUrl: down.url,
      timeoutSeconds: 2,
      reportDir: mkdtempSync(path.join(tmpdir(), 'heartbeat-')),
      progress: plainProgress(stream, { heartbeatMs: 400 }),
    });
    expect(report.passed).toBe(false);
    const lines = text().trim().split('\n');
    expect(lines[0]).toBe('… api-health running');
    const beats = lines.filter((l) => l.includes('still running'));
    // 2 s of waiting at one line per 0.4 s: a few beats (timers on a loaded machine may drift), never a flood.
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.length).toBeLessThanOrEqual(6);
    for (const beat of beats)
      expect(beat).toMatch(
        new RegExp(
          `^… api-health still running after \\d+(\\.\\d)? m?s; last check: API health GET ${down.url}/health — last answer HTTP 503 maintenance \\(check \\d+\\)$`,
        ),
      );
    expect(lines[lines.length - 1]).toMatch(/^✖ api-health +failed/);
    // the heartbeat stops with the step
    const before = text();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(text()).toBe(before);
  });

  test('the default interval is bounded (at most 30 s between lines in CI)', () => {
    expect(HEARTBEAT_MS).toBeLessThanOrEqual(30_000);
    expect(HEARTBEAT_MS).toBeGreaterThanOrEqual(5_000);
  });
});
