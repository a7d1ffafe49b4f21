/**
 * A run that did work delivers it, whatever ends it (issue 8 §3): max_turns, the Claude Code
 * process killed, SIGTERM to the server mid-run — in each case the files the agent wrote are in
 * S3, the session is saved, and the reply says how the run ended. An async run's final status is
 * kept in S3, so a new server (a new microVM) still answers `status`.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { durableStatus, newSessionId, postInvocation, streamInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { bash, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

let model: ScriptedModel;
let moto: Moto;
let bucket: TestBucket;
const servers: RunningAgentServer[] = [];

async function server(extra: Record<string, string> = {}): Promise<RunningAgentServer> {
  const started = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: bucket.name, CLAUDE_CODE_MAX_RETRIES: '0', ...extra });
  servers.push(started);
  return started;
}

beforeAll(async () => {
  [model, moto] = await Promise.all([startScriptedModel(), startMoto()]);
  bucket = await createTestBucket(moto, 'delivery-outputs');
});
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await Promise.all([model?.stop(), moto?.stop()]);
});

/** The object key of a reply file's s3_url. */
const keyOf = (s3Url: string) => s3Url.replace(`s3://${bucket.name}/`, '');

/** Expect `name` uploaded with `content`, and the session archive saved (durable after the reply). */
async function expectDelivered(reply: any, name: string, content: string, sessionName: string, url?: string): Promise<void> {
  const file = reply.files.find((f: { file_name: string }) => f.file_name === name);
  expect(file?.s3_url, JSON.stringify(reply)).toBeTruthy();
  expect(await bucket.read(keyOf(file.s3_url))).toBe(content);
  expect(reply.output.location).toBe('s3');
  expect(['pending', true]).toContain(reply.session_saved?.saved);
  if (url) expect((await durableStatus(url, sessionName)).response.session_saved).toMatchObject({ saved: true });
  expect(await bucket.keys(`sessions/${sessionName}`)).toEqual(expect.arrayContaining(['.tar.gz', '.json']));
}

describe('work is delivered whatever ends the run', () => {
  it('max_turns: the files of the turns it had are uploaded and the session saved', async () => {
    const agent = await server();
    const session = newSessionId('max-turns');
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'first.txt'), 'turn one\n')]),
      (r) => toolTurn([write(join(workingDirectory(r), 'second.txt'), 'turn two\n')]),
      textTurn('never reached'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'work hard', max_turns: 1 }, session);
    expect(reply.status).toBe(500);
    expect(reply.body.subtype).toBe('error_max_turns');
    await expectDelivered(reply.body, 'first.txt', 'turn one\n', session, agent.url);
  });

  it('the Claude Code process killed mid-run: what it wrote is uploaded, the reply says the process died', async () => {
    const agent = await server();
    const session = newSessionId('killed');
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'before-death.txt'), 'written\n')]),
      toolTurn([bash('kill -9 $PPID')]),
      textTurn('never reached'),
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'die' }, session);
    expect(reply.status).toBe(500);
    expect(reply.body.subtype).toBe('error_process');
    await expectDelivered(reply.body, 'before-death.txt', 'written\n', session, agent.url);
  });

  it('a model error after tool work: what the agent wrote is uploaded', async () => {
    const agent = await server();
    const session = newSessionId('model-error');
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'done-before.txt'), 'tool work\n')]),
      () => {
        throw new Error('the model API fails now');
      },
    ]);
    const reply = await postInvocation(agent.url, { prompt: 'work, then the model fails' }, session);
    expect(reply.status).toBe(500);
    expect(reply.body.is_error).toBe(true);
    await expectDelivered(reply.body, 'done-before.txt', 'tool work\n', session, agent.url);
  });

  it('the client gone mid-run: the run is aborted and its work still delivered (status says so)', async () => {
    const agent = await server();
    const session = newSessionId('client-gone');
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'orphaned.txt'), 'nobody waits\n')]),
      textTurn('too late', 30_000),
    ]);
    const client = new AbortController();
    await streamInvocation(agent.url, { prompt: 'long job' }, session, ({ event }) => {
      if (event.type === 'tool_result') client.abort();
    }, client.signal).catch(() => undefined);
    const status = await durableStatus(agent.url, session);
    expect(status.response.subtype).toBe('error_aborted');
    await expectDelivered(status.response, 'orphaned.txt', 'nobody waits\n', session);
  });

  it('SIGTERM to the server mid-run: the run is aborted, its files uploaded, the reply sent, the server exits 0', async () => {
    const agent = await server();
    const session = newSessionId('sigterm');
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'partial.txt'), 'half done\n')]),
      textTurn('too late', 30_000),
    ]);
    let signalled = false;
    const streamed = await streamInvocation(agent.url, { prompt: 'long job' }, session, ({ event }) => {
      if (!signalled && event.type === 'tool_result') {
        signalled = true;
        agent.child.kill('SIGTERM');
      }
    });
    const reply = streamed.events.at(-1)!.event;
    expect(reply.type).toBe('result');
    expect(reply.subtype).toBe('error_aborted');
    // The server exits only once the session is durable.
    expect((await agent.child).exitCode).toBe(0);
    await expectDelivered(reply, 'partial.txt', 'half done\n', session);
  });
});

describe('the run\'s processes', () => {
  it('nothing the agent started in the background outlives its run', async () => {
    const agent = await server();
    const marker = `${31_000 + Math.floor(Math.random() * 1000)}.5`;
    model.setScript([toolTurn([bash(`nohup sleep ${marker} >/dev/null 2>&1 &`)]), textTurn('left a process behind')]);
    const reply = await postInvocation(agent.url, { prompt: 'leave something running' }, newSessionId('orphans'));
    expect(reply.status).toBe(200);
    const { stdout } = await execa('pgrep', ['-f', `sleep ${marker}`], { reject: false });
    expect(stdout.trim()).toBe('');
  });
});

describe('model API retries', () => {
  it('are streamed as retry events (attempt, status) while Claude Code retries', async () => {
    const agent = await server({ CLAUDE_CODE_MAX_RETRIES: '2' });
    let failed = false;
    const failOnce = () => {
      if (failed) return textTurn('recovered');
      failed = true;
      throw new Error('the model API fails once');
    };
    model.setScript([failOnce, failOnce, failOnce]);
    const streamed = await streamInvocation(agent.url, { prompt: 'retry please' }, newSessionId('retry'));
    const retry = streamed.events.map((e) => e.event).find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ type: 'retry', attempt: 1, error_status: 500 });
    expect(retry.max_retries).toBeGreaterThanOrEqual(1);
    expect(streamed.events.at(-1)!.event.result).toBe('recovered');
  });
});

describe('async runs', () => {
  it('status answers from S3 after the microVM that ran it is gone', async () => {
    const first = await server();
    const session = newSessionId('async-gone');
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'async.txt'), 'async\n')]), textTurn('async done')]);
    const started = await postInvocation(first.url, { prompt: 'in the background', async: true }, session);
    expect(started.status).toBe(202);
    let status = await postInvocation(first.url, { action: 'status' }, session);
    for (let i = 0; i < 600 && status.body.status === 'running'; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      status = await postInvocation(first.url, { action: 'status' }, session);
    }
    expect(status.body.status).toBe('succeeded');
    await first.stop();

    const second = await server();
    const later = await postInvocation(second.url, { action: 'status' }, session);
    expect(later.body.status).toBe('succeeded');
    expect(later.body.invocation_id).toBe(started.body.invocation_id);
    expect(later.body.response.result).toBe('async done');
    expect(later.body.response.files.map((f: { file_name: string }) => f.file_name)).toEqual(['async.txt']);
  });

  it('a run is stored as running when it starts; if its microVM dies before its end is recorded, a new one reports it unknown', async () => {
    const first = await server();
    const session = newSessionId('killed-vm');
    model.setScript([textTurn('never answered in time', 120_000)]);
    const started = await postInvocation(first.url, { prompt: 'long', async: true }, session);
    expect(started.status).toBe(202);
    // The start's record (the first model request shows the run is under way by then).
    let stored: any;
    for (let i = 0; i < 400 && stored?.status !== 'running'; i += 1) {
      const keys = await bucket.keys(`runs/${session}`);
      stored = keys.length ? JSON.parse(await bucket.read(`runs/${session}.json`)) : undefined;
      if (stored?.status !== 'running') await new Promise((r) => setTimeout(r, 50));
    }
    expect(stored).toMatchObject({ status: 'running', invocation_id: started.body.invocation_id, runtime_session_id: session });
    first.child.kill('SIGKILL');
    await first.child.catch(() => undefined);

    const second = await server();
    const later = await postInvocation(second.url, { action: 'status' }, session);
    expect(later.body).toMatchObject({ runtime_session_id: session, status: 'unknown' });
    expect(later.body.reason).toContain(`run ${started.body.invocation_id} was in progress on a microVM that ended before recording its end`);
  });
});
