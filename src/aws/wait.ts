/**
 * Waiting, for every wait of this CLI (stack, change set, runtime version, runtime deletion, IAM
 * propagation, an asynchronous run, a local server starting), with the AWS SDK's waiter machinery
 * (`@smithy/util-waiter`): the first check at once, then exponential backoff with jitter between
 * `minDelay` and `maxDelay` seconds, giving up at the deadline, stopping at once when the signal
 * aborts. Waits with a built-in SDK waiter (e.g. CloudFormation's `waitUntilChangeSetCreateComplete`,
 * which throws `TimeoutError` / `AbortError`) pass it {@link waiterConfiguration}; the others (per-poll progress, or no waiter in the SDK, as
 * for AgentCore runtimes) give {@link waitUntil} a check.
 */
import { createWaiter, WaiterState } from '@smithy/util-waiter';
import { CliError } from '../core/errors.js';

/** The one option shape of every wait: when to give up, and what stops it. */
export interface WaitOptions {
  /** Epoch milliseconds after which the wait gives up (`--timeout`); default: the wait's own. */
  deadline?: number;
  /** Stops the wait at once (Ctrl-C): it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Seconds between checks; default: the wait's own. Tests shorten them. */
  delays?: WaitDelays;
}

/**
 * Seconds between checks, as `@smithy/util-waiter` takes them: the n-th delay is random between
 * `minDelay` and `min(maxDelay, minDelay·2ⁿ⁻¹)`.
 */
export interface WaitDelays {
  minDelay: number;
  maxDelay: number;
}

/** A wait's defaults: its delays, and how long it may take when the caller gives no deadline (default: no limit). */
export interface WaitDefaults extends WaitDelays {
  timeoutMs?: number;
}

/** The `@smithy/util-waiter` configuration (all in seconds) for `options` over `defaults`. */
export function waiterConfiguration(options: WaitOptions, defaults: WaitDefaults): { minDelay: number; maxDelay: number; maxWaitTime: number; abortSignal?: AbortSignal } {
  const deadline = options.deadline ?? (defaults.timeoutMs === undefined ? Infinity : Date.now() + defaults.timeoutMs);
  const maxWaitTime = Math.max((deadline - Date.now()) / 1000, 0.002);
  let { minDelay, maxDelay } = options.delays ?? defaults;
  // createWaiter requires maxWaitTime > minDelay: nearer deadlines get a shorter first delay.
  if (maxWaitTime <= minDelay) minDelay = maxWaitTime / 2;
  if (maxDelay < minDelay) maxDelay = minDelay;
  return { minDelay, maxDelay, maxWaitTime, ...(options.signal ? { abortSignal: options.signal } : {}) };
}

/**
 * Check until `check` returns a value (anything but `undefined`), with `@smithy/util-waiter`.
 * @returns the value.
 * @throws whatever `check` throws; `onTimeout()` past the deadline; the signal's reason when it aborts.
 */
export async function waitUntil<T>(check: () => Promise<T | undefined>, options: WaitOptions, defaults: WaitDefaults, onTimeout: () => Error): Promise<T> {
  const signal = options.signal;
  if (signal?.aborted) throw abortReason(signal);
  let value: T | undefined;
  const configuration = waiterConfiguration(options, defaults);
  const giveUpAt = Date.now() + configuration.maxWaitTime * 1000;
  // The deadline also ends a check still in flight (the waiter itself looks at it only between
  // checks, and an SDK call has no request timeout by default): a timer signal beside Ctrl-C's.
  const deadlineSignal = Number.isFinite(giveUpAt) ? AbortSignal.timeout(Math.max(giveUpAt - Date.now(), 1)) : undefined;
  const stop = signal && deadlineSignal ? AbortSignal.any([signal, deadlineSignal]) : (signal ?? deadlineSignal);
  const result = await createWaiter({ client: undefined, ...configuration, ...(stop ? { abortSignal: stop } : {}) }, undefined, async () => {
    if (signal?.aborted) return { state: WaiterState.ABORTED };
    value = await check();
    if (value !== undefined) return { state: WaiterState.SUCCESS };
    // Less than one delay (or 500 ms) left: give up now. @smithy/util-waiter would instead sleep 0 ms
    // between checks in its last 500 ms before maxWaitTime (its backoff returns `remaining - 500`,
    // floored at 0), checking back to back until the deadline.
    if (Date.now() + Math.max(configuration.minDelay * 1000, 500) >= giveUpAt) return { state: WaiterState.TIMEOUT };
    return { state: WaiterState.RETRY };
  });
  if (result.state === WaiterState.SUCCESS) return value as T;
  if (result.state === WaiterState.ABORTED && signal?.aborted) throw abortReason(signal);
  throw onTimeout();
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? Object.assign(new Error('The wait was aborted.'), { name: 'AbortError' });
}

/** The error's `name` (SDK exceptions) or `Code`. */
export function awsErrorName(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e?.name ?? e?.Code ?? '';
}

/** The error of a wait that reached its deadline: what it waited for, and what to do next. */
export function timedOut(what: string, hint: string): CliError {
  return new CliError(`Timed out waiting for ${what}.`, { hint, code: 'TIMEOUT' });
}
