/**
 * Reading an agent server's reply, shared by the transports: an SSE body (progress events then
 * one `result`), a JSON body (the reply, or a `{error, details}` refusal), and HTTP status → error.
 */
import {
  agentErrorBodySchema,
  agentResponseSchema,
  parseAgentEvent,
  splitSseFrames,
  type AgentResponse,
  type ProgressEvent,
} from '@agentcore-claude/protocol';
import { CliError, ExitCode, UsageError } from '../../core/errors.js';

/**
 * Consume an SSE body: call `onEvent` for each progress event, resolve with the `result` event's
 * reply (its `type` removed).
 * @throws CliError (exit 3) when the stream ends without a result or carries malformed events.
 */
export async function readAgentStream(body: AsyncIterable<Uint8Array>, onEvent: (event: ProgressEvent) => void, target: string): Promise<AgentResponse> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    const { data, rest } = splitSseFrames(buffer);
    buffer = rest;
    for (const frame of data) {
      let event;
      try {
        event = parseAgentEvent(frame);
      } catch (error) {
        throw new CliError(`Malformed event from the ${target}: ${(error as Error).message}`, { code: 'BAD_AGENT_EVENT', cause: error });
      }
      if (!event) continue;
      if (event.type === 'result') {
        const { type: _type, ...reply } = event;
        return reply as AgentResponse;
      }
      onEvent(event);
    }
  }
  throw new CliError(`The ${target} closed the stream before the final result.`, {
    hint: 'The agent server may have stopped or restarted; its log says why.',
    code: 'STREAM_ENDED',
  });
}

/**
 * Interpret a JSON body with its HTTP status: an agent reply (200, or 500 with `is_error`) is
 * returned; a refusal throws.
 * @throws UsageError for 400/409/413 (the request was wrong: message and details from the server),
 *   CliError (exit 3) for other statuses or an unreadable body.
 */
export function interpretJsonReply(status: number, text: string, target: string): AgentResponse {
  const json = parseJsonBody(status, text, target);
  const reply = agentResponseSchema.safeParse(json);
  if (reply.success && (status === 200 || reply.data.is_error)) return reply.data;
  throw errorForStatus(status, json, target);
}

/**
 * Parse a JSON body.
 * @throws CliError (exit 3) naming the target and status when it is not JSON.
 */
export function parseJsonBody(status: number, text: string, target: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`The ${target} answered HTTP ${status} with a non-JSON body: ${text.slice(0, 300)}`, { code: 'BAD_AGENT_REPLY' });
  }
}

/** The CliError for a refused request (`{error, details}` body). */
export function errorForStatus(status: number, body: unknown, target: string): CliError {
  const parsed = agentErrorBodySchema.safeParse(body);
  const message = parsed.success ? parsed.data.error : `HTTP ${status}`;
  const details = parsed.success && parsed.data.details !== undefined ? JSON.stringify(parsed.data.details) : undefined;
  if (status === 400 || status === 413) {
    return new UsageError(`The agent refused the request: ${message}`, { hint: details ? `Details: ${details}` : undefined, code: 'AGENT_BAD_REQUEST' });
  }
  if (status === 409) {
    return new UsageError(`The agent refused the request: ${message}`, { hint: 'Wait for the running invocation to finish, or use another --session.', code: 'SESSION_BUSY' });
  }
  return new CliError(`The ${target} failed with HTTP ${status}: ${message}`, { exitCode: ExitCode.Infrastructure, hint: details, code: 'AGENT_HTTP_ERROR' });
}
