/**
 * A loopback pass-through in front of moto's S3 that can hold chosen requests until the test lets
 * them go: to catch the agent server in the middle of an S3 write (an export under way) without
 * sleeps. Requests are forwarded as they came (method, path, headers, body) to the upstream
 * endpoint; the SDK addresses a loopback IP endpoint path-style (`/<bucket>/<key>`).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldRequest {
  method: string;
  path: string;
  /** Forward it now. */
  release(): void;
}

export interface S3Gate {
  /** e.g. http://127.0.0.1:5123 — pass as the agent server's AWS_ENDPOINT_URL. */
  endpoint: string;
  /** Hold the next request `match` accepts; resolves once it arrived (and is held). */
  holdNext(match: (method: string, path: string) => boolean): Promise<HeldRequest>;
  stop(): Promise<void>;
}

export async function startS3Gate(upstream: string): Promise<S3Gate> {
  const target = new URL(upstream);
  let pending: { match: (method: string, path: string) => boolean; arrived: (held: HeldRequest) => void } | undefined;
  const forward = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error) => res.destroy(error));
    req.pipe(out);
  };
  const server = createServer((req, res) => {
    const method = req.method ?? '';
    const path = req.url ?? '/';
    const waiting = pending;
    if (waiting && waiting.match(method, path)) {
      pending = undefined;
      waiting.arrived({ method, path, release: () => forward(req, res) });
      return;
    }
    forward(req, res);
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdNext(match) {
      return new Promise((arrived) => {
        pending = { match, arrived };
      });
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
