/**
 * Fast object downloads for `download`: SigV4-signed plain GETs on keep-alive sockets, with the
 * SDK's GetObject as the reference and the fallback.
 *
 * Why: through the SDK each object costs ~1.3 ms of client CPU (middleware stack, endpoint rules,
 * response parsing) against ~0.3 ms for a plain GET (issue 10), and `download` fetches hundreds of
 * small objects. What the SDK decides is not re-implemented: the SDK builds and signs the
 * GetObject request of the first object (not sent: see `builtGetObjectRequest`), and that request
 * tells where this bucket's objects are (scheme, host, port, path prefix, query) and how they are
 * signed (SigV4 signing region and service, from the Authorization header's credential scope).
 * Every object is then a GET of the same form, signed by `@smithy/signature-v4` with the client's
 * own credentials provider, hash and clock offset.
 *
 * Fallback: a GET that does not answer 200 with the object's bytes (a redirect, 403, 404, 5xx, a
 * network error), and every object when the first request was not plain SigV4 (SigV4a, S3 Express
 * session auth, a query the route does not know), is fetched with GetObject, which retries,
 * follows the SDK's rules and reports AWS's error. After a failure other than 404 the rest of the
 * run uses GetObject (a route that failed once is not trusted again).
 *
 * Paths: S3 object keys go into the path as the SDK puts a greedy `{Key+}` label: each `/`-separated
 * segment percent-encoded with encodeURIComponent plus `!'()*` (RFC 3986 unreserved characters
 * only), and S3 SigV4 signs that path as sent, without encoding it again ("Create a canonical
 * request", Amazon S3 API Reference, "Signature Calculations for the Authorization Header").
 */
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { builtGetObjectRequest, downloadToFile, type SentRequest } from './s3.js';

/** Where and how the objects of one bucket are fetched, learnt from one signed GetObject. */
export interface RawRoute {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  /** The path before the encoded key, e.g. `/my-bucket/` (path style) or `/` (virtual host). */
  basePath: string;
  /** The query the SDK sends with GetObject (e.g. `x-id=GetObject`). */
  query: Record<string, string>;
  signingRegion: string;
  signingService: string;
}

/** How objects were fetched (for tests and benchmarks). */
export interface GetCounts {
  /** Objects delivered by a plain GET. */
  raw: number;
  /** GetObject calls made (the fallback included, whether it succeeded or not). */
  sdk: number;
}

/** A key in a URL path as the SDK writes a greedy label: each segment percent-encoded, `/` kept. */
export function encodeKeyPath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

const SIGV4_SCOPE = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/;

/**
 * The route for other keys of the bucket, read from the signed GetObject request of `key`; undefined
 * when that request was not a plain SigV4 GET of the form this module repeats.
 */
export function routeFromRequest(request: SentRequest, key: string): RawRoute | undefined {
  const scope = SIGV4_SCOPE.exec(request.headers?.authorization ?? request.headers?.Authorization ?? '');
  if (!scope) return undefined;
  // Session-based auth (S3 Express) and other headers that change the meaning of a GET are not repeated.
  const headers = Object.keys(request.headers ?? {}).map((h) => h.toLowerCase());
  if (headers.some((h) => h === 'x-amz-s3session-token' || h.startsWith('x-amz-server-side-encryption-customer'))) return undefined;
  const protocol = request.protocol === 'https:' || request.protocol === 'https' ? 'https:' : request.protocol === 'http:' || request.protocol === 'http' ? 'http:' : undefined;
  const encoded = encodeKeyPath(key);
  const path = request.path ?? '';
  if (!protocol || !request.hostname || !path.endsWith(encoded)) return undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (name !== 'x-id' || typeof value !== 'string') return undefined;
    query[name] = value;
  }
  return {
    protocol,
    hostname: request.hostname,
    ...(request.port ? { port: request.port } : {}),
    basePath: path.slice(0, path.length - encoded.length),
    query,
    signingRegion: scope[1]!,
    signingService: scope[2]!,
  };
}

/** A GET that did not deliver the object (its status, when there was a response). */
class RawGetError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Downloads objects of one bucket into files: plain signed GETs on the route the SDK's own
 * GetObject request shows, GetObject as the fallback. One per `download` run.
 */
export class ObjectGetter {
  readonly counts: GetCounts = { raw: 0, sdk: 0 };
  /** The route, once asked for (undefined: plain GETs are not used). */
  private route?: Promise<RawRoute | undefined>;
  private disabled: boolean;
  private signer?: SignatureV4;
  /** Keep-alive sockets, at most `concurrency` per host. */
  private readonly httpsAgent: https.Agent;
  private readonly httpAgent: http.Agent;

  /**
   * @param concurrency the most requests at once (sockets kept alive for reuse).
   * @param useRaw false: GetObject for every object (no plain GETs).
   */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    concurrency: number,
    useRaw = true,
  ) {
    this.disabled = !useRaw;
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /**
   * Write object `key` into the file `path` (created or truncated); the caller renames it into place.
   * @param expectedSize the listed size: a plain GET delivering another size falls back to GetObject.
   * @returns the number of bytes written.
   * @throws GetObject's or the file system's error (after the fallback); AbortError when `signal` aborts.
   */
  async download(key: string, path: string, expectedSize: number, signal?: AbortSignal): Promise<number> {
    // The first object's GetObject request, built and signed by the SDK but not sent, shows the route.
    this.route ??= builtGetObjectRequest(this.s3, this.bucket, key).then(
      (request) => routeFromRequest(request, key),
      () => undefined,
    );
    const route = this.disabled ? undefined : await this.route;
    if (!route || this.disabled) return this.viaSdk(key, path, signal);
    try {
      const bytes = await this.viaGet(route, key, path, signal);
      if (bytes !== expectedSize) throw new RawGetError(`got ${bytes} bytes, expected ${expectedSize}`);
      this.counts.raw += 1;
      return bytes;
    } catch (error) {
      if (signal?.aborted) throw error;
      // A missing object (deleted since the listing) says nothing against the route; anything else does.
      if (!(error instanceof RawGetError && error.status === 404)) this.disabled = true;
      return this.viaSdk(key, path, signal);
    }
  }

  /** Close the kept-alive sockets. */
  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  private async viaSdk(key: string, path: string, signal: AbortSignal | undefined): Promise<number> {
    this.counts.sdk += 1;
    return downloadToFile(this.s3, this.bucket, key, path, signal);
  }

  private async viaGet(route: RawRoute, key: string, path: string, signal?: AbortSignal): Promise<number> {
    const config = this.s3.config as unknown as { credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials']; sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256']; systemClockOffset?: number };
    this.signer ??= new SignatureV4({
      credentials: config.credentials,
      region: route.signingRegion,
      service: route.signingService,
      sha256: config.sha256,
      uriEscapePath: false,
    });
    const host = route.port ? `${route.hostname}:${route.port}` : route.hostname;
    const signed = await this.signer.sign(
      {
        method: 'GET',
        protocol: route.protocol,
        hostname: route.hostname,
        port: route.port,
        path: `${route.basePath}${encodeKeyPath(key)}`,
        query: route.query,
        headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      // The SDK's correction for a skewed local clock (learnt from earlier responses).
      { signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)) },
    );
    const query = new URLSearchParams(route.query).toString();
    const transport = route.protocol === 'https:' ? https : http;
    return new Promise<number>((resolve, reject) => {
      const request = transport.get(
        {
          protocol: route.protocol,
          hostname: route.hostname,
          port: route.port,
          path: `${signed.path}${query ? `?${query}` : ''}`,
          headers: signed.headers,
          agent: route.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          signal,
        },
        (response) => {
          if (response.statusCode !== 200) {
            response.resume();
            reject(new RawGetError(`HTTP ${response.statusCode}`, response.statusCode));
            return;
          }
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          pipeline(response, createWriteStream(path, { flags: 'w' }), { signal }).then(() => resolve(bytes), reject);
        },
      );
      request.on('error', reject);
    });
  }
}
