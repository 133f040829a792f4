/** lib/poll.ts: the one polling loop (verify's waits, the AMI command's, the rotation function's re-reads). */
import { backoffDelay, poll } from '../../lib/poll';

describe('poll', () => {
  it('returns the first value with the number of attempts', async () => {
    let calls = 0;
    const result = await poll(async () => (++calls === 3 ? 'ready' : undefined), {
      timeoutMs: 5000,
      initialDelayMs: 1,
    });
    expect(result).toMatchObject({ value: 'ready', attempts: 3 });
  });

  it('looks once with a budget of 0, then stops on the clock', async () => {
    let calls = 0;
    const result = await poll(async () => (calls++, undefined), { timeoutMs: 0 });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ stopped: 'timeout', attempts: 1 });
  });

  it('stops after maxAttempts, and at once when the signal has fired', async () => {
    let calls = 0;
    const bounded = await poll(async () => (calls++, undefined), {
      timeoutMs: 5000,
      maxAttempts: 4,
      initialDelayMs: 1,
    });
    expect([calls, bounded]).toEqual([4, expect.objectContaining({ stopped: 'attempts', attempts: 4 })]);
    const aborted = await poll(async () => 'never asked', { timeoutMs: 5000, signal: AbortSignal.abort() });
    expect(aborted).toMatchObject({ stopped: 'aborted', attempts: 0 });
  });

  it('a throw ends the polling with that error', async () => {
    await expect(poll(async () => Promise.reject(new Error('terminal')), { timeoutMs: 5000 })).rejects.toThrow(
      'terminal',
    );
  });

  it('backs off exponentially up to the cap, less the jitter share', () => {
    const opts = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, opts, () => 0))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(2, opts, () => 1)).toBe(100);
  });
});
