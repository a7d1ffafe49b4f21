/**
 * A loopback stand-in for an API Gateway REST API stage with one Lambda proxy integration, as
 * `deploy --with-api` builds it: `POST|OPTIONS /<stage>/invoke`, API key required on POST
 * (header `x-api-key`, 403 `{"message":"Forbidden"}` otherwise), the request turned into an
 * `APIGatewayProxyEvent`, the handler's `{statusCode, headers, body}` returned as is, and 504
 * `{"message":"Endpoint request timed out"}` when the integration takes longer than its timeout.
 * Used to run the Lambda bridge as deployed (its zip: test/support/bridge-zip.ts) behind the CLI's
 * `invoke --api`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

type ProxyHandler = (event: APIGatewayProxyEvent, context: { getRemainingTimeInMillis(): number }) => Promise<APIGatewayProxyResult>;

export interface ApiGatewayStandIn {
  /** e.g. http://127.0.0.1:5123/prod/invoke (what the stack's ApiEndpoint output names). */
  endpoint: string;
  /** Events handed to the handler, in order. */
  events: APIGatewayProxyEvent[];
  stop(): Promise<void>;
}

export interface ApiGatewayOptions {
  handler: ProxyHandler;
  apiKey: string;
  /** Integration timeout in ms; default 29,000 (API Gateway's default maximum). */
  integrationTimeoutMs?: number;
  /** The Lambda's timeout in ms (for getRemainingTimeInMillis); default 900,000. */
  lambdaTimeoutMs?: number;
}

export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGatewayStandIn> {
  const events: APIGatewayProxyEvent[] = [];
  const server = createServer(async (req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/prod/invoke' || (req.method !== 'POST' && req.method !== 'OPTIONS')) return send(403, '{"message":"Missing Authentication Token"}');
    if (req.method === 'POST' && req.headers['x-api-key'] !== options.apiKey) return send(403, '{"message":"Forbidden"}');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const event = {
      resource: '/invoke',
      path: '/invoke',
      httpMethod: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      queryStringParameters: null,
      body: body || null,
      isBase64Encoded: false,
      requestContext: { stage: 'prod', httpMethod: req.method, resourcePath: '/invoke' },
    } as unknown as APIGatewayProxyEvent;
    events.push(event);
    const started = Date.now();
    const lambdaTimeout = options.lambdaTimeoutMs ?? 900_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.integrationTimeoutMs ?? 29_000)));
    const result = await Promise.race([options.handler(event, { getRemainingTimeInMillis: () => lambdaTimeout - (Date.now() - started) }), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') return send(504, '{"message": "Endpoint request timed out"}');
    send(result.statusCode, result.body, Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod/invoke`,
    events,
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
