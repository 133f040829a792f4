/**
 * One deadline per step or phase: a point in time and an AbortSignal that fires at it (or when a parent signal,
 * e.g. the run's interrupt, fires first). Every call made under the deadline takes `signal` (AWS SDK `abortSignal`,
 * fetch `signal`) or races `within()`, so nothing it does can outlive it.
 */
export class Deadline {
  /** Epoch milliseconds at which the deadline passes. */
  readonly at: number;
  readonly signal: AbortSignal;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, parent?: AbortSignal) {
    this.at = Date.now() + Math.max(0, ms);
    const controller = new AbortController();
    this.signal = controller.signal;
    const expire = () =>
      controller.abort(Object.assign(new Error(`deadline of ${Math.round(ms)} ms passed`), { name: 'TimeoutError' }));
    this.timer = setTimeout(expire, Math.max(0, ms));
    this.timer.unref();
    if (parent) {
      if (parent.aborted) controller.abort(parent.reason);
      else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
    }
  }

  /** Milliseconds left (0 once passed). */
  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  get expired(): boolean {
    return this.signal.aborted;
  }

  /** A deadline inside this one: `ms` from now or this one's end, whichever comes first. */
  child(ms: number): Deadline {
    return new Deadline(Math.min(ms, this.remaining()), this.signal);
  }

  /** Stops the timer (the signal stays as it is). */
  dispose(): void {
    clearTimeout(this.timer);
  }
}

/** True when `err` is what an aborted signal (deadline or interrupt) makes fetch, the SDK or `within` throw. */
export function isAbort(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/**
 * Resolves with `promise`, or rejects with the signal's reason once it aborts: for calls that take no signal
 * (the Neo4j driver). The promise keeps running; its result is dropped.
 */
export function within<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  if (r instanceof Error) return r;
  return Object.assign(new Error(typeof r === 'string' ? `aborted (${r})` : 'aborted'), { name: 'AbortError' });
}

/** A pause that ends early (resolves) when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
