/**
 * Issue test 6: a symlink pointing outside the workspace is never uploaded; a second invocation
 * in the same session uploads only what it changed; two sessions never see each other's files.
 * Also: without a bucket the files stay local and the reply says where.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { durableStatus, newSessionId, postInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { bash, lastToolResults, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

const BUCKET = 'workspace-outputs';
let moto: Moto;
let model: ScriptedModel;
let server: RunningAgentServer;
let bucket: TestBucket;
let outside: string;

beforeAll(async () => {
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  bucket = await createTestBucket(moto, BUCKET);
  server = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: BUCKET });
  outside = mkdtempSync(join(tmpdir(), 'outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'must never be uploaded\n');
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([moto?.stop(), model?.stop()]);
  rmSync(outside, { recursive: true, force: true });
});

const keysUnder = (prefix: string): Promise<string[]> => bucket.keys(prefix);

describe('session workspaces', () => {
  const session = newSessionId('ws-a');

  it('never uploads symlinks or what they point to', async () => {
    model.setScript([
      toolTurn([bash(`echo kept > real.txt && ln -s ${outside}/secret.txt link-to-secret.txt && ln -s ${outside} link-to-dir`, 'make files and links')]),
      textTurn('made a file and two links'),
    ]);
    const reply = await postInvocation(server.url, { prompt: 'make links' }, session);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.files.map((f: { file_name: string }) => f.file_name)).toEqual(['real.txt']);
    expect(await keysUnder(reply.body.output.prefix)).toEqual(['real.txt', 'transcript.jsonl']);
    // The links really exist in the workspace: the agent made them, the server skipped them.
    expect(readdirSync(join(server.workspaceRoot, session)).sort()).toEqual(['link-to-dir', 'link-to-secret.txt', 'real.txt']);
  });

  it('a second invocation in the same session uploads only what it created or changed', async () => {
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'second.txt'), 'new\n'), bash('echo changed >> real.txt', 'append')]),
      textTurn('added second.txt and changed real.txt'),
    ]);
    const reply = await postInvocation(server.url, { prompt: 'more' }, session);
    expect(reply.status).toBe(200);
    expect(reply.body.files.map((f: { file_name: string }) => f.file_name).sort()).toEqual(['real.txt', 'second.txt']);
    expect(await keysUnder(reply.body.output.prefix)).toEqual(['real.txt', 'second.txt', 'transcript.jsonl']);

    model.setScript([toolTurn([bash('cat real.txt', 'read only')]), textTurn('nothing changed')]);
    const third = await postInvocation(server.url, { prompt: 'just look' }, session);
    expect(third.status).toBe(200);
    expect(third.body.files).toEqual([]);
    expect(third.body.output).toMatchObject({ location: 'local', reason: 'no file was created or changed' });
  });

  it('two sessions are isolated', async () => {
    const other = newSessionId('ws-b');
    model.setScript([toolTurn([bash('ls -A', 'list the workspace')]), textTurn('listed')]);
    const reply = await postInvocation(server.url, { prompt: 'what is here?' }, other);
    expect(reply.status).toBe(200);
    // The agent in session B saw an empty directory: ls printed nothing.
    const [listing] = lastToolResults(model.requests[1]!);
    expect(listing?.text).not.toMatch(/real\.txt|second\.txt|link-to/);
    expect(workingDirectory(model.requests[0]!)).toBe(join(server.workspaceRoot, other));
    expect(readdirSync(join(server.workspaceRoot, other))).toEqual([]);
    expect(reply.body.files).toEqual([]);
    // Each session has its own Claude config dir, outside the workspaces.
    expect(existsSync(join(server.workspaceRoot, '.claude-sessions', other))).toBe(true);
    expect(existsSync(join(server.workspaceRoot, '.claude-sessions', session))).toBe(true);
  });

  it('the same script in two sessions at once writes two separate workspaces and prefixes', async () => {
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'same.txt'), 'x\n')]), textTurn('ok')]);
    const [one, two] = await Promise.all([
      postInvocation(server.url, { prompt: 'same' }, newSessionId('same-1')),
      postInvocation(server.url, { prompt: 'same' }, newSessionId('same-2')),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.output.prefix).not.toBe(two.body.output.prefix);
    expect(await keysUnder(one.body.output.prefix)).toEqual(['same.txt', 'transcript.jsonl']);
    expect(await keysUnder(two.body.output.prefix)).toEqual(['same.txt', 'transcript.jsonl']);
  });
});

describe('uploads', () => {
  it('sends large files as multipart uploads, with the session in the object metadata', async () => {
    model.setScript([toolTurn([bash('head -c 12582912 /dev/urandom > big.bin', 'make 12 MiB')]), textTurn('made big.bin')]);
    const session = newSessionId('big');
    const reply = await postInvocation(server.url, { prompt: 'big file' }, session);
    expect(reply.status).toBe(200);
    const head = await bucket.head(`${reply.body.output.prefix}big.bin`);
    expect(head.size).toBe(12_582_912);
    expect(head.etag).toMatch(/-3"$/); // 3 parts of 5 MiB
    expect(head.metadata['runtime-session-id']).toBe(session);
    expect(reply.body.files).toEqual([expect.objectContaining({ file_name: 'big.bin', size: 12_582_912 })]);
  });

  it('an upload failure loses nothing: the result is returned, upload_errors says what failed, files stay on disk', async () => {
    const broken = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: 'no-such-bucket-here' });
    try {
      model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'kept.txt'), 'kept\n')]), textTurn('wrote kept.txt')]);
      const session = newSessionId('upload-fail');
      const reply = await postInvocation(broken.url, { prompt: 'write' }, session);
      expect(reply.status).toBe(200);
      expect(reply.body.is_error).toBe(false);
      expect(reply.body.result).toBe('wrote kept.txt');
      expect(reply.body.upload_errors).toEqual([
        { file_name: 'kept.txt', error: expect.stringMatching(/NoSuchBucket/) },
        { file_name: 'transcript.jsonl', error: expect.stringMatching(/NoSuchBucket/) },
      ]);
      expect((await durableStatus(broken.url, session)).response.session_saved).toEqual({ saved: false, error: expect.stringMatching(/bucket does not exist/) });
      expect(reply.body.files).toEqual([expect.objectContaining({ file_name: 'kept.txt', s3_url: null, console_url: null })]);
      expect(existsSync(join(broken.workspaceRoot, session, 'kept.txt'))).toBe(true);
    } finally {
      await broken.stop();
    }
  });
});

describe('no output bucket', () => {
  let local: RunningAgentServer;
  beforeAll(async () => {
    local = await startAgentServer(model.anthropicEnv());
  });
  afterAll(async () => local?.stop());

  it('keeps files local and says where', async () => {
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'out.txt'), 'local\n')]), textTurn('done')]);
    const session = newSessionId('local');
    const reply = await postInvocation(local.url, { prompt: 'write' }, session);
    expect(reply.status).toBe(200);
    const workspace = join(local.workspaceRoot, session);
    expect(reply.body.output).toEqual({ location: 'local', path: workspace, reason: 'no output bucket is configured (OUTPUT_BUCKET_NAME)' });
    expect(reply.body.files).toEqual([{ file_name: 'out.txt', size: 6, s3_url: null, console_url: null, local_path: join(workspace, 'out.txt') }]);
  });
});
