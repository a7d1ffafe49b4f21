/**
 * Issue 5 §1–2 end to end with the real Claude Code binary and the scripted model:
 * - a follow-up invocation in the same runtime session resumes the same Claude session in the
 *   same workspace (the model receives the first turn in its transcript and the file is there);
 * - on a new microVM (another server, empty workspace root, same bucket) the session is restored
 *   from S3 first, then resumed;
 * - every invocation's transcript lands beside its outputs, with secrets redacted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { durableStatus, newSessionId, postInvocation, streamInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { bash, lastToolResults, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type RecordedRequest, type ScriptedModel } from '../support/scripted-model.js';

const BUCKET = 'session-outputs';
const SECRET = 'sk-ant-api03-very-secret-test-key-0123456789';
let moto: Moto;
let model: ScriptedModel;
let bucket: TestBucket;
const servers: RunningAgentServer[] = [];

async function server(): Promise<RunningAgentServer> {
  const started = await startAgentServer({ ...model.anthropicEnv(), ANTHROPIC_API_KEY: SECRET, ...moto.env, OUTPUT_BUCKET_NAME: BUCKET });
  servers.push(started);
  return started;
}

beforeAll(async () => {
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  bucket = await createTestBucket(moto, BUCKET);
});
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await Promise.all([moto?.stop(), model?.stop()]);
});

/** All user prompts (text) the model received in a request's transcript. */
function prompts(request: RecordedRequest): string {
  return request.messages
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content as Array<{ type: string; text?: string }>).filter((b) => b.type === 'text').map((b) => b.text).join('\n')))
    .join('\n');
}

describe('session continuation', () => {
  const session = newSessionId('conversation');
  let first: RunningAgentServer;

  it('a follow-up in the same runtime session resumes the Claude session in the same workspace', async () => {
    first = await server();
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'app.py'), 'print("hello")\n')]), textTurn('Wrote app.py.')]);
    const one = await postInvocation(first.url, { prompt: 'STEP-ONE: write app.py' }, session);
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    const claudeSession = one.body.session.claude_session_id;

    model.setScript([
      (r) => {
        // The scripted model checks what it was sent: the first turn is in the transcript.
        if (!prompts(r).includes('STEP-ONE: write app.py')) return textTurn('NO-HISTORY');
        return toolTurn([bash('cat app.py', 'read the earlier file')]);
      },
      (r) => {
        const [read] = lastToolResults(r);
        return read?.text.includes('print("hello")') ? toolTurn([write(join(workingDirectory(r), 'test_app.py'), 'import app\n')]) : textTurn('NO-FILE');
      },
      textTurn('Added tests.'),
    ]);
    const two = await postInvocation(first.url, { prompt: 'now add tests to it' }, session);
    expect(two.status, JSON.stringify(two.body)).toBe(200);
    expect(two.body.result).toBe('Added tests.');
    expect(two.body.session.claude_session_id).toBe(claudeSession);
    expect(two.body.files.map((f: { file_name: string }) => f.file_name)).toEqual(['test_app.py']);
    expect((await durableStatus(first.url, session)).response.session_saved).toMatchObject({ saved: true });
  });

  it('on a new microVM the session is restored from S3, then resumed', async () => {
    const fresh = await server(); // another WORKSPACE_ROOT: nothing of the session on disk
    expect(existsSync(join(fresh.workspaceRoot, session))).toBe(false);
    model.setScript([
      (r) => (prompts(r).includes('STEP-ONE: write app.py') ? toolTurn([bash('ls', 'what is here')]) : textTurn('NO-HISTORY')),
      (r) => textTurn(`files: ${lastToolResults(r)[0]?.text.trim().split(/\s+/).sort().join(',')}`),
    ]);
    const streamed = await streamInvocation(fresh.url, { prompt: 'what do we have so far?' }, session);
    const restore = streamed.events.find((e) => e.event.type === 'restore');
    expect(restore?.event).toMatchObject({ type: 'restore', refused: [] });
    expect(restore!.event.files).toBeGreaterThanOrEqual(2);
    const result = streamed.events.at(-1)!.event;
    expect(result.result).toBe('files: app.py,test_app.py');
    expect(readFileSync(join(fresh.workspaceRoot, session, 'app.py'), 'utf8')).toBe('print("hello")\n');
  });
});

describe('transcripts', () => {
  it('stores the SDK message stream beside the outputs, without secrets', async () => {
    const s = servers[0] ?? (await server());
    model.setScript([
      (r) => toolTurn([bash('echo "key=$ANTHROPIC_API_KEY" > leak.txt; cat leak.txt', 'print the key'), write(join(workingDirectory(r), 'out.md'), '# out\n')]),
      textTurn('Done.'),
    ]);
    const reply = await postInvocation(s.url, { prompt: 'write out.md' }, newSessionId('transcript'));
    expect(reply.status).toBe(200);
    const prefix = reply.body.output.prefix as string;
    expect(reply.body.transcript.s3_url).toBe(`s3://${BUCKET}/${prefix}transcript.jsonl`);
    const lines = (await bucket.read(`${prefix}transcript.jsonl`)).trim().split('\n').map((l) => JSON.parse(l));
    const types = lines.map((l) => l.message.type);
    expect(types[0]).toBe('system');
    expect(types).toContain('assistant');
    expect(types.at(-1)).toBe('result');
    const toolUse = lines.flatMap((l) => (l.message.type === 'assistant' ? l.message.message.content : [])).find((b: { type: string }) => b.type === 'tool_use');
    expect(toolUse.input.command).toContain('echo "key=$ANTHROPIC_API_KEY"');
    const text = JSON.stringify(lines);
    expect(text).toContain('key=[REDACTED]'); // the tool result, as the agent saw it, minus the secret
    expect(text).not.toContain(SECRET);
    expect(lines.at(-1).message).toMatchObject({ type: 'result', subtype: 'success' });
    expect(lines.at(-1).message.usage).toBeTruthy();
  });
});

describe('local continuation (no bucket)', () => {
  it('a server started again on the same workspace root resumes the Claude session it finds there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'local-root-'));
    const session = newSessionId('local');
    try {
      const one = await startAgentServer({ ...model.anthropicEnv(), WORKSPACE_ROOT: root });
      model.setScript([textTurn('remembered LOCAL-STEP-ONE')]);
      const first = await postInvocation(one.url, { prompt: 'LOCAL-STEP-ONE: remember this' }, session);
      await one.stop();
      expect(first.status).toBe(200);

      const two = await startAgentServer({ ...model.anthropicEnv(), WORKSPACE_ROOT: root });
      try {
        model.setScript([(r) => textTurn(prompts(r).includes('LOCAL-STEP-ONE') ? 'HAS-HISTORY' : 'NO-HISTORY')]);
        const second = await postInvocation(two.url, { prompt: 'what did I ask first?' }, session);
        expect(second.body.result).toBe('HAS-HISTORY');
        expect(second.body.session.claude_session_id).toBe(first.body.session.claude_session_id);
      } finally {
        await two.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
