/**
 * What an untrusted client can make the agent server hold, and that no session is ever left locked
 * (issue 8 §5–7): request timeouts that never cut a long run, 413 before the body is read, odd
 * paths, the concurrent-session limit (429 + Retry-After), a crashed invocation that still
 * finishes its run record, and session ids that map injectively to directories and S3 keys.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { durableStatus, newSessionId, postInvocation, streamInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { bash, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

let model: ScriptedModel;
let moto: Moto;
let bucket: TestBucket;
let server: RunningAgentServer;
const REQUEST_TIMEOUT_MS = 1000;

beforeAll(async () => {
  [model, moto] = await Promise.all([startScriptedModel(), startMoto()]);
  bucket = await createTestBucket(moto, 'limits-outputs');
  server = await startAgentServer({
    ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: bucket.name,
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), MAX_CONCURRENT_SESSIONS: '1', MAX_BODY_BYTES: '4096',
  });
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([model?.stop(), moto?.stop()]);
});

/** Send raw bytes, collect everything the server answers until it closes the connection. */
function raw(request: string): Promise<{ text: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text }));
  });
}

describe('request limits', () => {
  it('answers 413 to a body declared over the limit without waiting for it, and closes the connection', async () => {
    // The body never comes: a server that waited for it would answer 408 at the request timeout instead.
    const { text } = await raw('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{"prompt":');
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).toMatch(/exceeds 4096 bytes/);
    expect(text).toMatch(/connection: close/i);
  });

  it('refuses a chunked body as soon as it crosses the limit', async () => {
    const chunk = 'x'.repeat(3000);
    const chunked = `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const { text } = await raw(`POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}${chunked}`);
    expect(text).toMatch(/^HTTP\/1\.1 413/);
  });

  it('drops a request whose body never finishes once the request timeout passes', async () => {
    const { text } = await raw('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"prompt":"x');
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it.each(['//', '//ping', '/invocations/../ping', '/%00'])('answers GET %s with 404, not 500', async (path) => {
    const { text } = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 404/);
  });

  it('lets a run take longer than the request timeout', async () => {
    model.setScript([textTurn('slow but fine', REQUEST_TIMEOUT_MS * 2)]);
    const reply = await postInvocation(server.url, { prompt: 'take your time' }, newSessionId('slow'));
    expect(reply.status).toBe(200);
    expect(reply.body.result).toBe('slow but fine');
  });
});

describe('concurrent sessions', () => {
  it('answers 429 with Retry-After when every session slot is busy, and serves again once one frees', async () => {
    model.setScript([textTurn('first', 1500), textTurn('second')]);
    // The slot is held once the first run's `start` event arrives.
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const busy = streamInvocation(server.url, { prompt: 'hold the slot' }, newSessionId('slot-a'), ({ event }) => {
      if (event.type === 'start') started();
    });
    await holding;
    const refused = await postInvocation(server.url, { prompt: 'me too' }, newSessionId('slot-b'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.details.limit).toBe(1);
    expect((await busy).status).toBe(200);
    const later = await postInvocation(server.url, { prompt: 'me too' }, newSessionId('slot-b'));
    expect(later.status).toBe(200);
  });
  it('logs the limit at start-up', () => {
    expect(server.output()).toMatch(/limits: 1 concurrent sessions \(MAX_CONCURRENT_SESSIONS\)/);
  });
});

describe('a crashed invocation never leaves its session locked', () => {
  it('the agent deleting the server\'s own files ends the run with error_internal; the session runs again and status is final', async () => {
    const session = newSessionId('crash');
    model.setScript([(r) => toolTurn([bash(`rm -rf ${join(workingDirectory(r), '..', '.server')}`)]), textTurn('deleted')]);
    const crashed = await postInvocation(server.url, { prompt: 'break the server' }, session);
    expect(crashed.status).toBe(500);
    expect(crashed.body.subtype).toBe('error_internal');
    const status = await postInvocation(server.url, { action: 'status' }, session);
    expect(status.body.status).toBe('failed');
    model.setScript([textTurn('still alive')]);
    const again = await postInvocation(server.url, { prompt: 'again' }, session);
    expect(again.status).toBe(200);
    expect(again.body.result).toBe('still alive');
  });
});

describe('session ids', () => {
  it('h-<sha256(X)> and X get different workspaces and session objects', async () => {
    const x = 'not a plain name: spaces & slashes/..';
    const lookalike = `h-${createHash('sha256').update(x).digest('hex')}`;
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'who.txt'), 'x\n')]), textTurn('x done'), (r) => toolTurn([write(join(workingDirectory(r), 'who.txt'), 'lookalike\n')]), textTurn('lookalike done')]);
    const one = await postInvocation(server.url, { prompt: 'x' }, x);
    const two = await postInvocation(server.url, { prompt: 'lookalike' }, lookalike);
    expect([one.status, two.status]).toEqual([200, 200]);
    await Promise.all([durableStatus(server.url, x), durableStatus(server.url, lookalike)]);
    const hashed = (id: string) => `h-${createHash('sha256').update(id).digest('hex')}`;
    expect(one.body.files[0].local_path).toContain(`/${hashed(x)}/who.txt`);
    expect(two.body.files[0].local_path).toContain(`/${hashed(lookalike)}/who.txt`);
    const archives = (await bucket.keys('sessions/')).filter((k) => k.endsWith('.tar.gz'));
    expect(archives).toEqual(expect.arrayContaining([`${hashed(x)}.tar.gz`, `${hashed(lookalike)}.tar.gz`]));
  });

  it('an id with path segments becomes a hashed S3 key, never a path', async () => {
    const id = '../../escape/x';
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'f.txt'), 'f\n')]), textTurn('ok')]);
    const reply = await postInvocation(server.url, { prompt: 'escape' }, id);
    expect(reply.status).toBe(200);
    await durableStatus(server.url, id);
    const all = await bucket.keys('');
    expect(all.filter((k) => k.includes('..') || k.includes('escape'))).toEqual([]);
    const name = `h-${createHash('sha256').update(id).digest('hex')}`;
    expect(all).toContain(`sessions/${name}.tar.gz`);
    expect(existsSync(join(server.workspaceRoot, name, 'f.txt'))).toBe(true);
  });
});
