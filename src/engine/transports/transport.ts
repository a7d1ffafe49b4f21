/**
 * How `invoke` reaches an agent. One implementation per way in: the local agent server over HTTP
 * (local-http.ts), AgentCore InvokeAgentRuntime, the API Gateway endpoint. All speak the same
 * protocol (`@agentcore-claude/protocol`, packages/protocol) and report progress through `onEvent`.
 */
import type { AgentResponse, InvocationPayload, ProgressEvent } from '@agentcore-claude/protocol';

export interface TransportInvokeOptions {
  /** Runtime session id (selects the agent's workspace). */
  runtimeSessionId: string;
  /** Progress events as they arrive (never the final `result`). */
  onEvent: (event: ProgressEvent) => void;
  /** Abort the request (Ctrl-C). */
  signal?: AbortSignal;
}

export interface AgentTransport {
  /** Where invocations go, for messages: e.g. `local agent at http://127.0.0.1:8080`. */
  readonly target: string;
  /**
   * Send one invocation and resolve with the agent's reply (also when the agent failed:
   * `is_error: true`).
   * @throws CliError for refused requests (exit 2 for 400/413/409) and unreachable or broken
   *   transports (exit 3).
   */
  invoke(payload: InvocationPayload, options: TransportInvokeOptions): Promise<AgentResponse>;
}

export interface TransportCallOptions {
  runtimeSessionId: string;
  signal?: AbortSignal;
}

/** A plain JSON exchange with the agent (no progress stream): async starts and status requests. */
export interface JsonCall {
  status: number;
  body: unknown;
}

/** A transport that can also send a payload and read one JSON answer (local HTTP, AgentCore). */
export interface JsonCallTransport extends AgentTransport {
  /**
   * Send `payload` asking for JSON, and return the HTTP status and parsed body.
   * @throws CliError when the agent is unreachable or the body is not JSON.
   */
  call(payload: unknown, options: TransportCallOptions): Promise<JsonCall>;
}

/** True when `transport` supports {@link JsonCallTransport.call}. */
export function canCall(transport: AgentTransport): transport is JsonCallTransport {
  return typeof (transport as Partial<JsonCallTransport>).call === 'function';
}
