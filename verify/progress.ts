/** Live progress: on a TTY one line per step with a spinner that turns into the status; plain lines otherwise. */
import type { StepName, StepResult } from './types';
import { redactText } from '../lib/redact';
import { formatDuration } from './report';

export interface Progress {
  start(step: StepName): void;
  end(result: StepResult): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<StepResult['status'], string> = { passed: '✔', failed: '✖', skipped: '-' };

function line(result: StepResult): string {
  return `${MARK[result.status]} ${result.step.padEnd(13)} ${result.status.padEnd(7)} ${formatDuration(result.duration).padStart(8)}  ${redactText(result.message)}`;
}

/** Plain lines, one when a step starts and one when it ends: readable in CI logs. */
export function plainProgress(out: NodeJS.WritableStream = process.stdout): Progress {
  return {
    start: (step) => out.write(`… ${step} running\n`),
    end: (result) => out.write(`${line(result)}\n`),
  };
}

/** A spinner on the current line, replaced by the step's final line. */
export function ttyProgress(out: NodeJS.WriteStream = process.stdout): Progress {
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  return {
    start(step) {
      started = Date.now();
      let frame = 0;
      const draw = () =>
        out.write(
          `\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${step.padEnd(13)} running ${formatDuration(Date.now() - started)}`,
        );
      draw();
      timer = setInterval(draw, 100);
    },
    end(result) {
      if (timer) clearInterval(timer);
      timer = undefined;
      const color = result.status === 'passed' ? '\x1b[32m' : result.status === 'failed' ? '\x1b[31m' : '\x1b[2m';
      out.write(`\r\x1b[2K${color}${line(result)}\x1b[0m\n`);
    },
  };
}

export function autoProgress(): Progress {
  return process.stdout.isTTY && !process.env.CI ? ttyProgress() : plainProgress();
}

/** No output (tests). */
export const silentProgress: Progress = { start: () => undefined, end: () => undefined };
