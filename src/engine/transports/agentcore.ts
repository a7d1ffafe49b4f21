/**
 * Transport to the deployed agent through AgentCore's `InvokeAgentRuntime` (AWS SDK): the runtime
 * ARN with qualifier `DEFAULT`, the runtime session id, `Accept: text/event-stream` so progress
 * arrives live. One deadline bounds the whole call, stream included (`invoke --timeout`).
 */
import type { AgentResponse, InvocationPayload } from '@agentcore-claude/protocol';
import type { AwsClients } from '../../aws/clients.js';
import { DEFAULT_INVOKE_TIMEOUT_MS, invokeAgentRuntime, translateInvokeError, type RuntimeInvocation } from '../../aws/invoke.js';
import { interpretJsonReply, parseJsonBody, readAgentStream } from './agent-stream.js';
import type { JsonCall, JsonCallTransport, TransportCallOptions, TransportInvokeOptions } from './transport.js';

export interface AgentCoreTransportOptions {
  runtimeArn: string;
  /** Runtime endpoint; default `DEFAULT`. */
  qualifier?: string;
  /** Deadline of one invocation in ms; default {@link DEFAULT_INVOKE_TIMEOUT_MS} (60 min). */
  timeoutMs?: number;
}

export class AgentCoreTransport implements JsonCallTransport {
  readonly target: string;

  constructor(
    private readonly clients: AwsClients,
    private readonly options: AgentCoreTransportOptions,
  ) {
    this.target = `agent runtime ${options.runtimeArn}`;
  }

  /**
   * @throws CliError as {@link translateInvokeError} (access denied, runtime missing or not READY,
   *   agent error, throttling, deadline); the abort of `options.signal` (Ctrl-C) as it is.
   */
  async invoke(payload: InvocationPayload, options: TransportInvokeOptions): Promise<AgentResponse> {
    return this.send(payload, options, 'text/event-stream', async (invocation) => {
      if (invocation.contentType.includes('text/event-stream')) return readAgentStream(invocation.body, options.onEvent, this.target);
      return interpretJsonReply(200, await readText(invocation.body), this.target);
    });
  }

  /** AgentCore answers 200 with the container's body (it does not pass the container's status through). */
  async call(payload: unknown, options: TransportCallOptions): Promise<JsonCall> {
    return this.send(payload, options, 'application/json', async (invocation) => ({ status: 200, body: parseJsonBody(200, await readText(invocation.body), this.target) }));
  }

  private async send<T>(payload: unknown, options: TransportCallOptions, accept: string, read: (invocation: RuntimeInvocation) => Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      const invocation = await invokeAgentRuntime(this.clients.agentCore(), {
        runtimeArn: this.options.runtimeArn,
        qualifier: this.options.qualifier,
        runtimeSessionId: options.runtimeSessionId,
        payload,
        accept,
        signal,
      });
      return await read(invocation);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw await translateInvokeError(error, {
        runtimeArn: this.options.runtimeArn,
        region: this.clients.region,
        control: this.clients.agentCoreControl(),
        signal,
        timeoutMs,
      });
    }
  }
}

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
