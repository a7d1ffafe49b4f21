/**
 * Server-sent events as the agent server writes them (`Accept: text/event-stream`): each event is
 * one `data: <json>\n\n` frame, comments (`: keepalive`) keep idle connections open, and the last
 * event is `{"type":"result", …}`. Pure, no zod (the Lambda bridge bundles it).
 */

/** The keep-alive comment frame. */
export const SSE_KEEPALIVE_FRAME = ': keepalive\n\n';

/** One event as an SSE frame: `data: <json>\n\n` (JSON never holds a raw newline). */
export function encodeSseEvent(event: unknown): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/**
 * Split an SSE text buffer into complete events' `data` (multi-line data joined by `\n`;
 * comments such as `: keepalive` and other fields skipped) and the unfinished rest.
 * Frames end with a blank line (`\n\n`, or `\r\n\r\n`).
 */
export function splitSseFrames(buffer: string): { data: string[]; rest: string } {
  const normalized = buffer.replace(/\r\n/g, '\n');
  const data: string[] = [];
  let start = 0;
  let end: number;
  while ((end = normalized.indexOf('\n\n', start)) >= 0) {
    const frame = normalized.slice(start, end);
    start = end + 2;
    const lines = frame.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (lines.length > 0) data.push(lines.join('\n'));
  }
  return { data, rest: normalized.slice(start) };
}

/**
 * The last `result` event of a complete SSE body, without its `type`, or `undefined` when there
 * is none. Frames whose data is not JSON are skipped.
 */
export function lastSseResult(body: string): Record<string, unknown> | undefined {
  let result: Record<string, unknown> | undefined;
  for (const data of splitSseFrames(`${body}\n\n`).data) {
    try {
      const event = JSON.parse(data) as Record<string, unknown> | null;
      if (event?.type === 'result') result = event;
    } catch {
      // not JSON: skip it
    }
  }
  if (!result) return undefined;
  const { type: _type, ...reply } = result;
  return reply;
}
