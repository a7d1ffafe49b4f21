/**
 * The one wait of the CLI (src/aws/wait.ts, on @smithy/util-waiter): checks until a value, gives
 * up at the deadline, stops at once when its signal aborts (Ctrl-C).
 */
import { describe, expect, it } from 'vitest';
import { waitUntil, waiterConfiguration } from '../../src/aws/wait.js';

const FAST = { minDelay: 0.001, maxDelay: 0.001 };
const timeout = () => new Error('timed out');

describe('waitUntil', () => {
  it('checks again while the check returns undefined, and returns the first value (false included)', async () => {
    const answers = [undefined, undefined, false, true];
    let checks = 0;
    await expect(waitUntil(async () => answers[checks++], {}, FAST, timeout)).resolves.toBe(false);
    expect(checks).toBe(3);
  });

  it('fails with what the check throws, without checking again', async () => {
    let checks = 0;
    const check = async () => {
      checks += 1;
      throw new Error('DELETE_FAILED');
    };
    await expect(waitUntil(check, {}, FAST, timeout)).rejects.toThrow('DELETE_FAILED');
    expect(checks).toBe(1);
  });

  it('past the deadline: a last check (or two, within the 2 ms the waiter gets), then the timeout error', async () => {
    let checks = 0;
    const check = async () => {
      checks += 1;
      return undefined;
    };
    await expect(waitUntil(check, { deadline: Date.now() - 1000 }, { minDelay: 5, maxDelay: 10 }, timeout)).rejects.toThrow('timed out');
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(3);
  });

  it('near the deadline it gives up instead of checking back to back (the waiter sleeps 0 ms in its last 500 ms)', async () => {
    let checks = 0;
    const check = async () => {
      checks += 1;
      return undefined;
    };
    // A runtime wait (2-10 s delays) that starts with 1.5 s left of the deploy's --timeout: one
    // check, one after the (shortened) first delay, then the timeout.
    await expect(waitUntil(check, { deadline: Date.now() + 1500 }, { minDelay: 2, maxDelay: 10 }, timeout)).rejects.toThrow('timed out');
    expect(checks).toBeLessThanOrEqual(3);
  });

  it('a check that never answers (a stalled connection: the SDK has no request timeout) still ends at the deadline', async () => {
    const never = () => new Promise<undefined>(() => undefined);
    await expect(waitUntil(never, { deadline: Date.now() + 200 }, { minDelay: 2, maxDelay: 10 }, timeout)).rejects.toThrow('timed out');
  });

  it('an abort during a long delay ends the wait at once with the signal reason', async () => {
    const controller = new AbortController();
    const check = async () => {
      // Abort once the waiter sleeps its (ten-minute) delay: only the signal can end it in time.
      setImmediate(() => controller.abort(new Error('Ctrl-C')));
      return undefined;
    };
    await expect(waitUntil(check, { signal: controller.signal, delays: { minDelay: 600, maxDelay: 600 } }, FAST, timeout)).rejects.toThrow('Ctrl-C');
  });

  it('an already aborted signal checks nothing', async () => {
    let checks = 0;
    const check = async () => {
      checks += 1;
      return true;
    };
    await expect(waitUntil(check, { signal: AbortSignal.abort(new Error('stopped')) }, FAST, timeout)).rejects.toThrow('stopped');
    expect(checks).toBe(0);
  });
});

describe('waiterConfiguration', () => {
  it('turns a deadline into maxWaitTime seconds and keeps the delays under it', () => {
    const config = waiterConfiguration({ deadline: Date.now() + 1000 }, { minDelay: 2, maxDelay: 10 });
    expect(config.maxWaitTime).toBeGreaterThan(0.9);
    expect(config.maxWaitTime).toBeLessThanOrEqual(1);
    expect(config.minDelay).toBeLessThan(config.maxWaitTime);
    expect(config.maxDelay).toBeGreaterThanOrEqual(config.minDelay);
  });

  it('without a deadline uses the default timeout, else waits without limit', () => {
    expect(waiterConfiguration({}, { minDelay: 2, maxDelay: 10 }).maxWaitTime).toBe(Infinity);
    expect(waiterConfiguration({}, { minDelay: 2, maxDelay: 10, timeoutMs: 60_000 }).maxWaitTime).toBeGreaterThan(59);
    expect(waiterConfiguration({ delays: { minDelay: 0.5, maxDelay: 0.5 } }, { minDelay: 2, maxDelay: 10 })).toMatchObject({ minDelay: 0.5, maxDelay: 0.5 });
  });
});
