import { poll, type PollOptions } from '../lib/poll';
import { StepFailure } from './errors';
import type { FailureKind } from './types';

/** One attempt's outcome: done with a value, or not yet (with why, and which kind of "not yet"). */
export type Attempt<T> = { done: true; value: T } | { done: false; reason: string; kind?: FailureKind };

/** The budget, the backoff (lib/poll.ts) and the signal that ends the wait early. */
export interface WaitOptions extends Omit<PollOptions, 'maxAttempts'> {
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

/**
 * Calls `attempt` until it reports done or the budget runs out (lib/poll.ts). `attempt` gets the milliseconds left,
 * to bound its own I/O, and may not outlive them: it races the clock and the signal. A thrown StepFailure ends the
 * wait at once (a terminal answer, e.g. bad credentials); any other throw counts as a transient "not yet". On
 * timeout, throws a StepFailure whose kind is that of the last attempt when it says what it met (refused/unreachable,
 * tls, redirect loop, too large, wrong answer), else `timeout`; the message names `what` and the last reason.
 */
export async function waitFor<T>(
  what: string,
  attempt: (remainingMs: number, attemptNo: number) => Promise<Attempt<T>>,
  options: WaitOptions,
): Promise<WaitResult<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let last: { reason: string; kind?: FailureKind } = { reason: 'no attempt finished' };
  const result = await poll<{ value: T }>(async (remaining, n) => {
    const outcome = await raceTheClock(attempt(remaining, n), remaining, options.signal);
    if (outcome.done) return { value: outcome.value };
    // An attempt cut off by the deadline says nothing new: the verdict stays with the last one that got an answer.
    const cutOff = outcome.kind === 'timeout' && (Date.now() >= deadline || !!options.signal?.aborted);
    if (!(cutOff && last.kind && TELLING_KINDS.includes(last.kind))) last = outcome;
    options.onWaiting?.(`${what} — ${last.reason} (check ${n})`);
    return undefined;
  }, options);
  if (!('stopped' in result))
    return { value: result.value.value, attempts: result.attempts, elapsedMs: result.elapsedMs };
  const seconds = Math.round(options.timeoutMs / 100) / 10;
  const kind: FailureKind = last.kind && TELLING_KINDS.includes(last.kind) ? last.kind : 'timeout';
  throw new StepFailure({ kind, detail: `${what} — ${last.reason} (gave up after ${seconds} s)` });
}

/** An attempt, or "no answer" once `remainingMs` pass or the signal fires (e.g. a connect to a host that drops packets). */
async function raceTheClock<T>(
  attempt: Promise<Attempt<T>>,
  remainingMs: number,
  signal: AbortSignal | undefined,
): Promise<Attempt<T>> {
  let timer: NodeJS.Timeout | undefined;
  let give: (() => void) | undefined;
  try {
    const overtime = new Promise<Attempt<T>>((resolve) => {
      give = () =>
        resolve({
          done: false,
          reason: `no answer within the remaining ${Math.round(remainingMs)} ms`,
          kind: 'timeout',
        });
      timer = setTimeout(give, remainingMs);
      signal?.addEventListener('abort', give, { once: true });
    });
    return await Promise.race([attempt, overtime]);
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    return { done: false, reason: err instanceof Error ? err.message : String(err), kind: 'error' };
  } finally {
    clearTimeout(timer);
    if (give) signal?.removeEventListener('abort', give);
  }
}
