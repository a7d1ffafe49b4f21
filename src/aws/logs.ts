/**
 * The CloudWatch Logs call of `logs`: FilterLogEvents over a log group, paginated.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
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
  let token: string | undefined;
  try {
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: options.logGroupName,
          startTime: options.startTime,
          filterPattern: options.filterPattern,
          nextToken: token,
        }),
        { abortSignal: options.signal },
      );
      events.push(...(page.events ?? []));
      token = page.nextToken;
    } while (token);
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
