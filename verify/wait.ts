import { StepFailure } from './errors';
import type { FailureKind } from './types';

/** One attempt's outcome: done with a value, or not yet (with why, and which kind of "not yet"). */
export type Attempt<T> = { done: true; value: T } | { done: false; reason: string; kind?: FailureKind };

export interface WaitOptions {
  /** Total budget in milliseconds, attempts included. */
  readonly timeoutMs: number;
  /** First pause between attempts. @default 250 */
  readonly initialDelayMs?: number;
  /** Longest pause between attempts. @default 5000 */
  readonly maxDelayMs?: number;
  /** Growth of the pause per attempt. @default 2 */
  readonly factor?: number;
  /** Share of each pause taken off at random (0..1), so many waiters do not poll in step. @default 0.3 */
  readonly jitter?: number;
  /** Ends the wait early (the step's deadline or the run's interrupt): the last attempt's reason is reported. */
  readonly signal?: AbortSignal;
  /**
   * Told what the wait is on after each attempt that is not done yet (`what — reason (check n)`):
   * verify's progress shows it in its heartbeat line, so a long wait in a CI log says what it waits for.
   */
  readonly onWaiting?: (text: string) => void;
}

/** Kinds that say what the last attempt met; a wait that ends on any other kind (or none) is a `timeout`. */
const TELLING_KINDS: readonly FailureKind[] = ['refused', 'tls', 'redirect-loop', 'too-large', 'wrong-answer'];

export interface WaitResult<T> {
  readonly value: T;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** The pause before attempt n+1 (n from 1): exponential backoff, capped, with jitter. */
export function backoffDelay(attempt: number, options: WaitOptions, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 5000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.3, 0), 1);
  const base = Math.min(max, initial * Math.pow(factor, attempt - 1));
  return Math.round(base * (1 - jitter * random()));
}

import { pause } from '../lib/deadline';

/**
 * Calls `attempt` until it reports done or the budget runs out. `attempt` gets the milliseconds left, to bound its
 * own I/O. A thrown StepFailure ends the wait at once (a terminal answer, e.g. bad credentials); any other throw
 * counts as a transient "not yet". On timeout, throws a StepFailure whose kind is that of the last attempt when it
 * says what it met (refused/unreachable, tls, redirect loop, too large, wrong answer), else `timeout`; the message
 * names `what` and the last reason.
 */
export async function waitFor<T>(
  what: string,
  attempt: (remainingMs: number, attemptNo: number) => Promise<Attempt<T>>,
  options: WaitOptions,
): Promise<WaitResult<T>> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let last: { reason: string; kind?: FailureKind } = { reason: 'no attempt finished' };
  for (let n = 1; n <= 10_000; n++) {
    // a hard bound on attempts, whatever the clock does
    const remaining = deadline - Date.now();
    if (remaining <= 0 || options.signal?.aborted) break;
    let outcome: Attempt<T>;
    let timer: NodeJS.Timeout | undefined;
    let give: (() => void) | undefined;
    try {
      // An attempt may not outlive the budget (e.g. a connect to a host that drops packets): race it against the clock
      // and the signal.
      const overtime = new Promise<Attempt<T>>((resolve) => {
        give = () =>
          resolve({
            done: false,
            reason: `no answer within the remaining ${Math.round(remaining)} ms`,
            kind: 'timeout',
          });
        timer = setTimeout(give, remaining);
        options.signal?.addEventListener('abort', give, { once: true });
      });
      outcome = await Promise.race([attempt(remaining, n), overtime]);
    } catch (err) {
      if (err instanceof StepFailure) throw err;
      outcome = { done: false, reason: err instanceof Error ? err.message : String(err), kind: 'error' };
    } finally {
      clearTimeout(timer);
      if (give) options.signal?.removeEventListener('abort', give);
    }
    if (outcome.done) return { value: outcome.value, attempts: n, elapsedMs: Date.now() - started };
    // An attempt cut off by the deadline says nothing new: the verdict stays with the last one that got an answer.
    const cutOff = outcome.kind === 'timeout' && (Date.now() >= deadline || !!options.signal?.aborted);
    if (!(cutOff && last.kind && TELLING_KINDS.includes(last.kind))) last = outcome;
    options.onWaiting?.(`${what} — ${last.reason} (check ${n})`);
    const wait = Math.min(backoffDelay(n, options), deadline - Date.now());
    if (wait <= 0) {
      if (Date.now() >= deadline) break;
      continue;
    }
    await pause(wait, options.signal);
  }
  const seconds = Math.round(options.timeoutMs / 100) / 10;
  const kind: FailureKind = last.kind && TELLING_KINDS.includes(last.kind) ? last.kind : 'timeout';
  throw new StepFailure({ kind, detail: `${what} — ${last.reason} (gave up after ${seconds} s)` });
}
