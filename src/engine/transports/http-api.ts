/**
 * Transport through the deployment's HTTP API (`deploy --with-api`): API Gateway → Lambda bridge
 * → InvokeAgentRuntime. The key is the one `api-key` saved. No progress events: API Gateway
 * answers once (and at most after its integration timeout, 29 s by default).
 */
import type { AgentResponse, InvocationPayload } from '@agentcore-claude/protocol';
import { invokeHttpApi } from '../../aws/http-api.js';
import { interpretJsonReply } from './agent-stream.js';
import type { AgentTransport, TransportInvokeOptions } from './transport.js';

export class HttpApiTransport implements AgentTransport {
  readonly target: string;

  constructor(
    private readonly endpoint: string,
    private readonly apiKey: string,
    /** Deadline of one call in ms. */
    private readonly timeoutMs?: number,
  ) {
    this.target = `HTTP API at ${endpoint}`;
  }

  /** @throws CliError as {@link invokeHttpApi} (403 key refused, 429, 502, 504 timeout, …). */
  async invoke(payload: InvocationPayload, options: TransportInvokeOptions): Promise<AgentResponse> {
    const signals = [options.signal, this.timeoutMs ? AbortSignal.timeout(this.timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
    const answer = await invokeHttpApi({
      endpoint: this.endpoint,
      apiKey: this.apiKey,
      payload: { ...payload, session_id: options.runtimeSessionId },
      signal: signals.length ? AbortSignal.any(signals) : undefined,
    });
    return interpretJsonReply(answer.status, answer.text, this.target);
  }
}
