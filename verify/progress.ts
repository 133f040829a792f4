/**
 * Live progress: on a terminal one line per step with a spinner that turns into the status; plain lines otherwise
 * (CI logs, pipes), with a heartbeat line while a step runs long, saying what it waits for.
 */
import type { StepName, StepResult } from './types';
import { redactText } from '../lib/redact';
import { formatDuration } from './report';

export interface Progress {
  start(step: StepName): void;
  /** What the running step waits for now (the last check's answer); shown by the heartbeat or the spinner. */
  waiting?(step: StepName, text: string): void;
  end(result: StepResult): void;
}

/** How often a plain progress says that a step still runs (ecs-stable may wait 900 s). */
export const HEARTBEAT_MS = 30_000;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<StepResult['status'], string> = { passed: '✔', failed: '✖', skipped: '-' };

function line(result: StepResult): string {
  return `${MARK[result.status]} ${result.step.padEnd(13)} ${result.status.padEnd(7)} ${formatDuration(result.duration).padStart(8)}  ${redactText(result.message)}`;
}

/** One line when a step starts, one every `heartbeatMs` while it runs (with what it waits for), one when it ends. */
export function plainProgress(
  out: NodeJS.WritableStream = process.stdout,
  options: { readonly heartbeatMs?: number } = {},
): Progress {
  let timer: NodeJS.Timeout | undefined;
  let current: StepName | undefined;
  let waitingFor: string | undefined;
  return {
    start(step) {
      const started = Date.now();
      current = step;
      waitingFor = undefined;
      out.write(`… ${step} running\n`);
      timer = setInterval(() => {
        const what = waitingFor ? `; last check: ${redactText(waitingFor)}` : '';
        out.write(`… ${step} still running after ${formatDuration(Date.now() - started)}${what}\n`);
      }, options.heartbeatMs ?? HEARTBEAT_MS);
      timer.unref(); // never what keeps the process alive
    },
    waiting(step, text) {
      if (step === current) waitingFor = text;
    },
    end(result) {
      clearInterval(timer);
      timer = undefined;
      current = undefined;
      out.write(`${line(result)}\n`);
    },
  };
}

/**
 * A spinner on the current line (with the last check's answer, cut to the terminal's width), replaced by the step's
 * final line; coloured unless `color` is false.
 */
export function ttyProgress(
  out: NodeJS.WriteStream = process.stdout,
  options: { readonly color?: boolean } = {},
): Progress {
  const color = options.color ?? true;
  let timer: NodeJS.Timeout | undefined;
  let current: StepName | undefined;
  let waitingFor = '';
  return {
    start(step) {
      const started = Date.now();
      current = step;
      waitingFor = '';
      let frame = 0;
      const draw = () => {
        const text = `${FRAMES[frame++ % FRAMES.length]} ${step.padEnd(13)} running ${formatDuration(Date.now() - started)}${waitingFor ? `  ${redactText(waitingFor)}` : ''}`;
        out.write(`\r\x1b[2K${text.slice(0, Math.max(20, (out.columns || 80) - 1))}`);
      };
      draw();
      timer = setInterval(draw, 100);
    },
    waiting(step, text) {
      if (step === current) waitingFor = text;
    },
    end(result) {
      clearInterval(timer);
      timer = undefined;
      current = undefined;
      const paint = !color
        ? ''
        : result.status === 'passed'
          ? '\x1b[32m'
          : result.status === 'failed'
            ? '\x1b[31m'
            : '\x1b[2m';
      out.write(`\r\x1b[2K${paint}${line(result)}${color ? '\x1b[0m' : ''}\n`);
    },
  };
}

/**
 * The spinner at a terminal (not in CI), plain lines otherwise. NO_COLOR set to anything but the empty string
 * (no-color.org) turns the colours off; the spinner's cursor controls stay, as they are not colour.
 */
export function autoProgress(env: NodeJS.ProcessEnv = process.env, out: NodeJS.WriteStream = process.stdout): Progress {
  return out.isTTY && !env.CI ? ttyProgress(out, { color: !env.NO_COLOR }) : plainProgress(out);
}

/** No output (tests). */
export const silentProgress: Progress = { start: () => undefined, end: () => undefined };
