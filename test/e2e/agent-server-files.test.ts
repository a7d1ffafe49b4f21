/**
 * Issue tests 1 and 2: the real Claude Code binary, driven by the scripted model, writes several
 * files (nested directory, a space, a non-ASCII name) in the session workspace; they are uploaded
 * to moto S3 under `outputs/<timestamp>_<id>/` with the right keys and listed in the reply —
 * through the Anthropic API mode and through Bedrock mode with a region's inference profile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { durableStatus, newSessionId, postInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel, type ScriptStep } from '../support/scripted-model.js';

const BUCKET = 'agent-outputs';
const FILES: Record<string, string> = {
  'README.md': '# hello\n',
  'src/app/main.py': 'print("hi")\n',
  'notes/my notes.txt': 'space in the name\n',
  'données/résumé-日本.txt': 'non-ASCII name\n',
};

function writeEverything(): ScriptStep[] {
  return [
    (request) => toolTurn(Object.entries(FILES).map(([name, content]) => write(join(workingDirectory(request), name), content)), 'Writing the files.'),
    textTurn('All four files are written.'),
  ];
}

let moto: Moto;
let model: ScriptedModel;
let bucket: TestBucket;

beforeAll(async () => {
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  bucket = await createTestBucket(moto, BUCKET);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), model?.stop()]);
});

describe.each([
  { mode: 'Anthropic API', env: () => model.anthropicEnv(), expectedModel: undefined as string | undefined },
  { mode: 'Bedrock (ap-northeast-1 inference profile)', env: () => model.bedrockEnv('jp.anthropic.claude-haiku-4-5-20251001-v1:0', 'ap-northeast-1'), expectedModel: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0' },
])('agent writes files and uploads them — $mode', ({ env, expectedModel }) => {
  let server: RunningAgentServer;

  beforeAll(async () => {
    await moto.reset();
    await bucket.create();
    server = await startAgentServer({ ...env(), ...moto.env, OUTPUT_BUCKET_NAME: BUCKET });
  });
  afterAll(async () => server?.stop());

  it('writes the files in the session workspace, uploads them under one prefix, and lists them', async () => {
    model.setScript(writeEverything());
    const sessionId = newSessionId('files');
    const reply = await postInvocation(server.url, { input: { prompt: 'Write the four files', permission_mode: 'acceptEdits' } }, sessionId);

    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.is_error).toBe(false);
    expect(reply.body.result).toBe('All four files are written.');
    expect(reply.body.session.runtime_session_id).toBe(sessionId);
    expect(reply.body.session.claude_session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.body.session.num_turns).toBeGreaterThanOrEqual(2);

    // Files really written by Claude Code in this session's workspace.
    const workspace = join(server.workspaceRoot, sessionId);
    for (const [name, content] of Object.entries(FILES)) expect(readFileSync(join(workspace, name), 'utf8')).toBe(content);

    // Uploaded under outputs/YYYYMMDD_HHMMSS_<id8>/ with the relative paths as keys.
    const prefix: string = reply.body.output.prefix;
    expect(prefix).toMatch(/^outputs\/\d{8}_\d{6}_[0-9a-f]{8}\/$/);
    const keys = await bucket.keys('outputs/');
    // The workspace files, plus the invocation's transcript beside them.
    expect(keys.sort()).toEqual([...Object.keys(FILES), 'transcript.jsonl'].map((name) => prefix.slice('outputs/'.length) + name).sort());
    expect(reply.body.transcript.s3_url).toBe(`s3://${BUCKET}/${prefix}transcript.jsonl`);
    // And the session itself, for continuation on another microVM: saved after the reply.
    expect(reply.body.session_saved).toEqual({ saved: 'pending' });
    const durable = await durableStatus(server.url, sessionId);
    expect(durable.response.session_saved).toEqual({ saved: true, file_count: expect.any(Number), archive_key: expect.stringMatching(/^sessions\/.+\.tar\.gz$/) });
    expect(await bucket.keys(`sessions/${sessionId}`)).toEqual(['.json', '.tar.gz']);
    for (const [name, content] of Object.entries(FILES)) expect(await bucket.read(prefix + name)).toBe(content);

    // The reply lists each file with its S3 and console URLs.
    const files = [...reply.body.files].sort((a, b) => a.file_name.localeCompare(b.file_name));
    expect(files.map((f: { file_name: string }) => f.file_name)).toEqual(Object.keys(FILES).sort((a, b) => a.localeCompare(b)));
    for (const file of files) {
      expect(file.s3_url).toBe(`s3://${BUCKET}/${prefix}${file.file_name}`);
      expect(file.console_url).toContain(`https://s3.console.aws.amazon.com/s3/object/${BUCKET}?region=`);
      expect(file.console_url).toContain(encodeURIComponent(prefix + file.file_name));
      expect(file.size).toBe(Buffer.byteLength(FILES[file.file_name]!));
    }
    expect(reply.body.upload_errors).toEqual([]);

    // The model was called as configured (Bedrock: the region's inference profile in the URL).
    expect(model.requests.length).toBe(2);
    if (expectedModel) {
      expect(model.requests.every((r) => r.api === 'bedrock' && r.model === expectedModel)).toBe(true);
      expect(decodeURIComponent(model.requests[0]!.path)).toBe(`/model/${expectedModel}/invoke-with-response-stream`);
    } else {
      expect(model.requests.every((r) => r.api === 'anthropic')).toBe(true);
    }
    // The second request carries the tool results of the four writes.
    const results = JSON.stringify(model.requests[1]!.messages.at(-1));
    expect(results.match(/tool_result/g)?.length).toBe(4);
  });
});
