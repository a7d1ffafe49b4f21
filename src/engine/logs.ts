/**
 * `logs`: print the runtime's CloudWatch log events; `--follow` polls for new ones with backoff
 * until Ctrl-C, never printing an event twice.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { filterAllEvents } from '../aws/logs.js';
import { runtimeLogGroup } from '../core/console-links.js';
import { parseSince } from '../core/log-since.js';
import { CliError } from '../core/errors.js';
import { formatLogEvent, isHealthCheck, type LogEvent } from '../core/log-lines.js';
import { requireDeployment, runtimeIdOf, type OpsContext } from './target.js';

export interface LogsOptions {
  /** `--since`: duration (`30s`, `15m`, `1h`, `2d`) or ISO time; default `1h`. */
  since?: string;
  follow?: boolean;
  /** CloudWatch Logs filter pattern. */
  filter?: string;
  /** Show health checks (`/ping`) too. */
  all?: boolean;
  /** First poll interval of `--follow` in ms (doubles while idle, up to `maxIntervalMs`); default 1,000. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Stops `--follow` (the CLI aborts it on SIGINT). */
  signal?: AbortSignal;
  /** Receives each line to print; default `ctx.io.data`. */
  write?: (line: string) => void;
}

/**
 * Events that arrive late (CloudWatch ingestion across streams is not ordered) are caught by
 * re-reading this window before the newest event seen; event ids dedupe the overlap.
 */
export const FOLLOW_OVERLAP_MS = 10_000;

/** The runtime's log group name, from the recorded deployment or a runtime looked up by `--name`. */
export async function logGroupOf(ctx: OpsContext): Promise<string> {
  requireDeployment(ctx);
  const id = await runtimeIdOf(ctx);
  if (!id) {
    throw new CliError(`No AgentCore runtime named ${ctx.config.name} in ${ctx.aws().region}.`, {
      hint: 'Check --name/--region, or run `agentcore-claude deploy`.',
      code: 'NO_RUNTIME',
    });
  }
  return runtimeLogGroup(id);
}

/**
 * Print the events since `--since`, then (with `follow`) keep polling until `signal` aborts.
 * @returns the number of lines printed.
 * @throws CliError `NO_LOG_GROUP` when the runtime has never written logs.
 */
export async function streamLogs(ctx: OpsContext, logGroupName: string, options: LogsOptions): Promise<number> {
  const write = options.write ?? ((line: string) => ctx.io.data(line));
  const since = parseSince(options.since ?? '1h', Date.now());
  const seen = new Map<string, number>();
  let newest = since;
  let printed = 0;
  const emit = (events: LogEvent[]) => {
    let fresh = 0;
    for (const event of events) {
      const id = event.eventId ?? `${event.timestamp}:${event.logStreamName}:${event.message}`;
      if (seen.has(id)) continue;
      seen.set(id, event.timestamp ?? 0);
      fresh += 1;
      newest = Math.max(newest, event.timestamp ?? 0);
      if (!options.all && isHealthCheck(event.message ?? '')) continue;
      write(formatLogEvent(event));
      printed += 1;
    }
    for (const [id, ts] of seen) if (ts < newest - FOLLOW_OVERLAP_MS) seen.delete(id);
    return fresh;
  };
  const fetch = (startTime: number) =>
    filterAllEvents(ctx.aws().logs(), { logGroupName, startTime, filterPattern: options.filter, signal: options.signal });

  emit(await fetch(since));
  if (!options.follow) return printed;
  const base = options.intervalMs ?? 1_000;
  const max = options.maxIntervalMs ?? 15_000;
  let interval = base;
  // A loop rather than an SDK waiter: following never ends by itself (only Ctrl-C stops it), and
  // the delay drops back to `base` whenever events arrive, which a waiter's backoff cannot do.
  while (!options.signal?.aborted) {
    await delay(interval, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted) break;
    let fresh: number;
    try {
      fresh = emit(await fetch(Math.max(since, newest - FOLLOW_OVERLAP_MS)));
    } catch (error) {
      if (options.signal?.aborted) break;
      throw error;
    }
    interval = fresh > 0 ? base : Math.min(interval * 2, max);
  }
  return printed;
}
