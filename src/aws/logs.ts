/**
 * The CloudWatch Logs calls: FilterLogEvents over a log group, paginated (`logs`), and GetLogEvents
 * on one stream, read forward from a token (following a CodeBuild build's log in `deploy`).
 */
import { GetLogEventsCommand, paginateFilterLogEvents, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CliError } from '../core/errors.js';
import type { LogEvent } from '../core/log-lines.js';
import { isNotFound, translateAwsError } from './aws-errors.js';

export interface FilterOptions {
  logGroupName: string;
  /** Epoch ms, inclusive. */
  startTime: number;
  /** CloudWatch Logs filter pattern syntax. */
  filterPattern?: string;
  signal?: AbortSignal;
}

/**
 * All events of the log group from `startTime` on, oldest first, following `nextToken`.
 * @throws CliError (exit 3, code `NO_LOG_GROUP`) when the log group does not exist.
 */
export async function filterAllEvents(logs: CloudWatchLogsClient, options: FilterOptions): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  const input = { logGroupName: options.logGroupName, startTime: options.startTime, filterPattern: options.filterPattern };
  try {
    // The extra argument goes to each `send`: the signal aborts the page being read.
    for await (const page of paginateFilterLogEvents({ client: logs }, input, { abortSignal: options.signal })) events.push(...(page.events ?? []));
  } catch (error) {
    if (isNotFound(error)) {
      throw new CliError(`Log group ${options.logGroupName} does not exist.`, {
        hint: 'AgentCore creates it when the runtime first runs: invoke the agent once (`agentcore-claude invoke "…"`), then retry.',
        code: 'NO_LOG_GROUP',
        cause: error,
      });
    }
    throw translateAwsError(error, 'logs:FilterLogEvents', `Cannot read log group ${options.logGroupName}`);
  }
  events.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  return events;
}

/** Where a forward read of one log stream stands: GetLogEvents' `nextForwardToken`. */
export interface StreamCursor {
  logGroupName: string;
  logStreamName: string;
  /** Undefined: from the head of the stream. */
  token?: string;
}

/**
 * The events written to a stream since `cursor` (GetLogEvents, `startFromHead`, following
 * `nextForwardToken` until it repeats, which is how the API says "nothing more for now").
 * A stream (or group) that does not exist yet reads as no events: a CodeBuild build creates its
 * stream only once its container starts.
 * @returns the messages, oldest first, and the cursor to continue from.
 * @throws CliError for other failures (e.g. no logs:GetLogEvents).
 */
export async function readStream(logs: CloudWatchLogsClient, cursor: StreamCursor, signal?: AbortSignal): Promise<{ messages: string[]; cursor: StreamCursor }> {
  const messages: string[] = [];
  let token = cursor.token;
  try {
    for (;;) {
      const page = await logs.send(
        new GetLogEventsCommand({ logGroupName: cursor.logGroupName, logStreamName: cursor.logStreamName, startFromHead: true, nextToken: token }),
        { abortSignal: signal },
      );
      for (const event of page.events ?? []) if (event.message !== undefined) messages.push(event.message);
      if (!page.nextForwardToken || page.nextForwardToken === token) break;
      token = page.nextForwardToken;
      if (!page.events?.length) break;
    }
  } catch (error) {
    if (isNotFound(error)) return { messages, cursor: { ...cursor, token } };
    throw translateAwsError(error, 'logs:GetLogEvents', `Cannot read log stream ${cursor.logGroupName}/${cursor.logStreamName}`);
  }
  return { messages, cursor: { ...cursor, token } };
}
