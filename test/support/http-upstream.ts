/**
 * A loopback HTTP server whose answers each test scripts: for checking how our clients of the
 * agent's `/invocations` contract (the Lambda bridge, the AgentCore transport) treat statuses,
 * bodies and streams, where the real agent server cannot be made to answer that way on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type UpstreamAnswer = (request: UpstreamRequest, res: ServerResponse) => void | Promise<void>;

export interface HttpUpstream {
  url: string;
  requests: UpstreamRequest[];
  /** Set how the next requests are answered. */
  answer(answer: UpstreamAnswer): void;
  stop(): Promise<void>;
}

/** Start it on a free loopback port; by default every request gets 200 `{"ok":true}`. */
export async function startHttpUpstream(): Promise<HttpUpstream> {
  const requests: UpstreamRequest[] = [];
  let current: UpstreamAnswer = (_req, res) => sendJson(res, 200, { ok: true });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(request);
    await current(request, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer(answer) {
      current = answer;
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
