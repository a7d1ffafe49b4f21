/**
 * Transport to an agent server over plain HTTP (`agentcore-claude dev`, `invoke --local`): POST
 * `/invocations` with `Accept: text/event-stream` and the runtime session id header.
 */
import { SESSION_HEADER, type AgentResponse, type InvocationPayload } from '@agentcore-claude/protocol';
import { CliError } from '../../core/errors.js';
import { interpretJsonReply, readAgentStream } from './agent-stream.js';
import { parseJsonBody } from './agent-stream.js';
import type { JsonCall, JsonCallTransport, TransportCallOptions, TransportInvokeOptions } from './transport.js';


export class LocalHttpTransport implements JsonCallTransport {
  readonly target: string;

  /** @param url base URL of the agent server, e.g. http://127.0.0.1:8080 */
  constructor(private readonly url: string) {
    this.target = `local agent at ${url}`;
  }

  async invoke(payload: InvocationPayload, options: TransportInvokeOptions): Promise<AgentResponse> {
    const response = await this.post(payload, options, 'text/event-stream');
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.includes('text/event-stream') && response.body) {
      return readAgentStream(response.body as unknown as AsyncIterable<Uint8Array>, options.onEvent, this.target);
    }
    return interpretJsonReply(response.status, await response.text(), this.target);
  }

  async call(payload: unknown, options: TransportCallOptions): Promise<JsonCall> {
    const response = await this.post(payload, options, 'application/json');
    return { status: response.status, body: parseJsonBody(response.status, await response.text(), this.target) };
  }

  private async post(payload: unknown, options: TransportCallOptions, accept: string): Promise<Response> {
    try {
      return await fetch(new URL('/invocations', this.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, [SESSION_HEADER]: options.runtimeSessionId },
        body: JSON.stringify(payload),
        signal: options.signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new CliError(`Cannot reach the ${this.target}: ${causeText(error)}`, {
        hint: 'Start one with `agentcore-claude dev`, or pass --url.',
        code: 'AGENT_UNREACHABLE',
        cause: error,
      });
    }
  }
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
