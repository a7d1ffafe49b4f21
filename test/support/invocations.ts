/**
 * Raw HTTP calls to an agent server's `/invocations`, for tests and benchmarks (no CLI code, so
 * the server's contract is tested on its own).
 */
export const SESSION_HEADER = 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id';

export interface JsonReply {
  status: number;
  headers: Headers;
  body: any;
}

/** POST a JSON payload (an object, or a raw string sent as is) and parse the JSON reply. */
export async function postInvocation(url: string, payload: unknown, sessionId?: string): Promise<JsonReply> {
  const response = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(sessionId ? { [SESSION_HEADER]: sessionId } : {}) },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON reply (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

export interface StreamedEvent {
  /** ms since the request was sent. */
  at: number;
  event: any;
}

/** POST with `Accept: text/event-stream` and collect every `data:` event with its arrival time. */
export async function streamInvocation(url: string, payload: unknown, sessionId?: string, onEvent?: (e: StreamedEvent) => void, signal?: AbortSignal): Promise<{ status: number; contentType: string; events: StreamedEvent[] }> {
  const started = performance.now();
  const response = await fetch(`${url}/invocations`, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(sessionId ? { [SESSION_HEADER]: sessionId } : {}) },
    body: JSON.stringify(payload),
  });
  const events: StreamedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (!data) continue;
      const item = { at: performance.now() - started, event: JSON.parse(data) };
      events.push(item);
      onEvent?.(item);
    }
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', events };
}

/** A runtime session id of AgentCore's shape (≥ 33 characters). */
export function newSessionId(label = 'test'): string {
  return `${label}-${crypto.randomUUID()}`;
}

/**
 * The session's latest run once its save is durable: polls `{"action":"status"}` until the run is
 * finished and `session_saved` is no longer `pending` (the server saves after replying).
 * @throws Error after `timeoutMs`.
 */
export async function durableStatus(url: string, sessionId: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await postInvocation(url, { action: 'status' }, sessionId);
    if (body.status !== 'running' && body.response?.session_saved?.saved !== 'pending') return body;
    if (Date.now() > deadline) throw new Error(`session ${sessionId} not durable after ${timeoutMs} ms: ${JSON.stringify(body).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
