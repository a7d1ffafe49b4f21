/**
 * Polling knobs shared by the waits of this folder (stack, change set, runtime).
 */
import { CliError } from '../core/errors.js';

export interface PollOptions {
  /** Milliseconds between polls; default 5000 (CloudFormation's own waiters use 30 s). */
  pollMs?: number;
  /** Epoch milliseconds after which the wait gives up (`--timeout`). */
  deadline?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_POLL_MS = 5000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleep one poll interval, or throw a timeout error naming `what` when the deadline has passed. */
export async function pollPause(options: PollOptions, what: string, hint: string): Promise<void> {
  if (options.deadline !== undefined && Date.now() >= options.deadline) {
    throw new CliError(`Timed out waiting for ${what}.`, { hint, code: 'TIMEOUT' });
  }
  await (options.sleep ?? sleep)(options.pollMs ?? DEFAULT_POLL_MS);
}

/** The error's `name` (SDK exceptions) or `Code`. */
export function awsErrorName(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e?.name ?? e?.Code ?? '';
}
