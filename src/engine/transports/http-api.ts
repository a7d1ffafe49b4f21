/**
 * Transport through the deployment's HTTP API (`deploy --with-api`): API Gateway → Lambda bridge
 * → InvokeAgentRuntime. `POST <endpoint>` (a plain `fetch`, not an AWS SDK call) with header
 * `x-api-key` (the key `api-key` saved) and the bridge's JSON body; answers with the agent's JSON.
 * No streaming and no progress events: API Gateway answers once, and gives up after its
 * integration timeout (29 s by default), while the agent keeps running.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_KEY_FILE } from '../../core/api-key.js';
import { CliError, ExitCode, UsageError, errorMessage } from '../../core/errors.js';
import { API_KEY_HEADER, API_SESSION_HEADER, type AgentResponse, type HttpApiPayload, type InvocationPayload } from '@agentcore-claude/protocol';
import { interpretJsonReply } from './agent-stream.js';
import type { AgentTransport, TransportInvokeOptions } from './transport.js';

/** Body of `POST /invoke` (see `src/lambda/bridge.ts`): the protocol's `HttpApiPayload`. */
export type { HttpApiPayload } from '@agentcore-claude/protocol';

export interface HttpApiRequest {
  endpoint: string;
  apiKey: string;
  payload: HttpApiPayload;
  signal?: AbortSignal;
}

export interface HttpApiAnswer {
  /** HTTP status: 200, or 500 with the agent's reply when it reports `is_error`. */
  status: number;
  /** The agent's JSON reply, as text. */
  text: string;
  /** The runtime session id the bridge used (header `X-Runtime-Session-Id`). */
  runtimeSessionId?: string;
}

/**
 * Read the key `api-key` saved in `cwd`.
 * @throws UsageError (exit 2) naming `agentcore-claude api-key` when the file is missing or empty.
 */
export async function readSavedApiKey(cwd: string): Promise<string> {
  const path = join(cwd, API_KEY_FILE);
  const key = await readFile(path, 'utf8').then((text) => text.trim(), () => '');
  if (!key) {
    throw new UsageError(`No API key in ${path}.`, { hint: 'Run `agentcore-claude api-key` to fetch it (after `deploy --with-api`).', code: 'NO_API_KEY' });
  }
  return key;
}

/**
 * POST the payload to the HTTP API.
 * @returns the agent's reply: on 2xx, or 500 with a reply that has `is_error` (the bridge's
 *   status for an agent failure).
 * @throws CliError: 403 → the key was refused (exit 3, run `api-key`); 429 → usage plan limit
 *   (exit 3); 504 → API Gateway's integration timeout (exit 3, the run goes on; use `invoke`
 *   without `--api`); 400 → the request was refused (exit 2); other 4xx/5xx from the agent or
 *   the bridge → exit 1 with the bridge's `{error, details}` (502, the bridge's own AWS failure →
 *   exit 3); network failures → exit 3.
 */
export async function invokeHttpApi(request: HttpApiRequest): Promise<HttpApiAnswer> {
  let response: Response;
  try {
    response = await fetch(request.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [API_KEY_HEADER]: request.apiKey },
      body: JSON.stringify(request.payload),
      signal: request.signal,
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new CliError(`Cannot reach the HTTP API at ${request.endpoint}: ${errorMessage((error as Error).cause ?? error)}`, {
      hint: 'Check the endpoint (`agentcore-claude info`) and your network.',
      code: 'API_UNREACHABLE',
      cause: error,
    });
  }
  const text = await response.text();
  const body = parseJson(text);
  const runtimeSessionId = response.headers.get(API_SESSION_HEADER) ?? undefined;
  if (response.ok || (response.status === 500 && (body as { is_error?: unknown })?.is_error === true)) return { status: response.status, text, runtimeSessionId };
  throw httpApiError(response.status, body, text);
}

function httpApiError(status: number, body: unknown, text: string): CliError {
  const { error, details, message } = (body ?? {}) as { error?: string; details?: unknown; message?: string };
  const said = error ? `${error}${details ? `: ${typeof details === 'string' ? details : JSON.stringify(details)}` : ''}` : (message ?? text.slice(0, 300));
  if (status === 403) {
    return new CliError(`The HTTP API refused the request (403): ${said}`, { hint: 'Refresh the saved key with `agentcore-claude api-key`.', code: 'API_FORBIDDEN' });
  }
  if (status === 429) {
    return new CliError(`The HTTP API's usage plan limit was reached (429): ${said}`, {
      hint: 'Wait and retry (10 requests/s, burst 20, 1,000 a day by default), or use `invoke` without --api.',
      code: 'API_THROTTLED',
    });
  }
  if (status === 504) {
    return new CliError(`API Gateway stopped waiting for the agent (504 after its integration timeout, 29 s by default): ${said}`, {
      hint: 'The run goes on in AWS: fetch its files later with `agentcore-claude download --latest`. For long tasks use `agentcore-claude invoke` without --api (streams for up to 60 min).',
      code: 'API_TIMEOUT',
    });
  }
  if (status === 400) return new CliError(`The HTTP API refused the request: ${said}`, { exitCode: ExitCode.Usage, code: 'API_BAD_REQUEST' });
  if (status === 502) {
    return new CliError(`The HTTP API's bridge could not call AgentCore (502): ${said}`, {
      hint: 'Check the runtime with `agentcore-claude info`; redeploy with `agentcore-claude deploy --with-api`.',
      code: 'API_BRIDGE_ERROR',
    });
  }
  return new CliError(`The HTTP API answered ${status}: ${said}`, { exitCode: ExitCode.AgentError, hint: 'See `agentcore-claude logs --since 15m`.', code: 'API_ERROR' });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

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
