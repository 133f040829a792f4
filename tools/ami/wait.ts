import { poll } from '../../lib/poll';
import { AmiError } from './errors';

export interface PollSettings {
  /** First pause between checks. @default 5000 */
  readonly initialDelayMs: number;
  /** Longest pause between checks (the delay grows by half each time). @default 30000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_POLL: PollSettings = { initialDelayMs: 5_000, maxDelayMs: 30_000 };

/**
 * Calls `check` until it returns a value (not undefined), with a growing delay (lib/poll.ts), for at most
 * `timeoutMs` and never past `signal` (the command's total deadline). `check` throws to stop early (a reported
 * failure). On timeout, throws an AmiError naming `what`.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  settings: PollSettings,
  check: () => Promise<T | undefined>,
  signal?: AbortSignal,
): Promise<T> {
  const result = await poll(() => check(), { ...settings, factor: 1.5, jitter: 0, timeoutMs, signal });
  if (!('stopped' in result)) return result.value;
  const message =
    result.stopped === 'aborted'
      ? `the command's deadline passed after ${Math.round(result.elapsedMs / 1000)} s waiting for ${what}`
      : `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`;
  throw new AmiError({ kind: 'timeout', message });
}
