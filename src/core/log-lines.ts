/**
 * Log events of the runtime (`logs`): health-check noise detection and line formatting. Pure.
 */

/**
 * True for AgentCore's health checks: the service polls `GET /ping` on the container, and the
 * server logs each one (plain access-log form or JSON with a path field).
 */
export function isHealthCheck(message: string): boolean {
  return /\b(GET|HEAD)\s+\/ping\b/.test(message) || /"(path|url|route|target)"\s*:\s*"\/ping"/i.test(message);
}

export interface LogEvent {
  eventId?: string;
  timestamp?: number;
  logStreamName?: string;
  message?: string;
}

/** One output line: `<ISO time> <message>` with the trailing newline of the message removed. */
export function formatLogEvent(event: LogEvent): string {
  const time = event.timestamp === undefined ? '' : new Date(event.timestamp).toISOString();
  return `${time} ${(event.message ?? '').replace(/\r?\n$/, '')}`;
}
