/**
 * The agent server in session-storage mode (what `deploy --session-storage` sets): its workspace
 * root is the mount path, each invocation writes only the session's record (no archive), and
 * `{"action":"export"}` writes the archive on demand. The mount is a local directory here.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { durableStatus, newSessionId, postInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { startS3Gate } from '../support/s3-gate.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

let model: ScriptedModel;
let moto: Moto;
let bucket: TestBucket;
let agent: RunningAgentServer;
let mount: string;

beforeAll(async () => {
  [model, moto] = await Promise.all([startScriptedModel(), startMoto()]);
  bucket = await createTestBucket(moto, 'storage-outputs');
  mount = join(mkdtempSync(join(tmpdir(), 'mnt-')), 'workspace');
  agent = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: bucket.name, WORKSPACE_ROOT: mount, SESSION_PERSISTENCE: 'session-storage', CLAUDE_CODE_MAX_RETRIES: '0' });
});
afterAll(async () => {
  await agent?.stop().catch(() => undefined);
  await Promise.all([model?.stop(), moto?.stop()]);
  if (mount) rmSync(join(mount, '..'), { recursive: true, force: true });
});

describe('SESSION_PERSISTENCE=session-storage', () => {
  it('works on the mount, writes only the record per invocation, and exports the archive on demand', async () => {
    const session = newSessionId('storage');
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'kept.txt'), 'on the mount\n')]), textTurn('done')]);
    const reply = await postInvocation(agent.url, { prompt: 'write' }, session);
    expect(reply.status).toBe(200);
    expect(existsSync(join(mount, session, 'kept.txt'))).toBe(true);
    expect(existsSync(join(mount, '.claude-sessions', session))).toBe(true);
    const status = await durableStatus(agent.url, session);
    expect(status.response.session_saved).toMatchObject({ saved: true, storage: 'session-storage' });
    // Only the record: no archive per invocation.
    expect(await bucket.keys(`sessions/${session}`)).toEqual(['.json']);
    const record = JSON.parse(await bucket.read(`sessions/${session}.json`));
    expect(record).toMatchObject({ storage: 'session-storage', invocations: 1, file_count: 1 });
    expect(record.archive).toBeUndefined();

    const exported = await postInvocation(agent.url, { action: 'export' }, session);
    expect(exported.body).toMatchObject({ exported: true, runtime_session_id: session });
    const after = JSON.parse(await bucket.read(`sessions/${session}.json`));
    expect(after.archive.base.key).toBe(`sessions/${session}.tar.gz`);
    expect(after.invocations).toBe(1);
    expect(after.storage).toBe('session-storage');
  });

  it('an export of a session with no files here says so', async () => {
    const reply = await postInvocation(agent.url, { action: 'export' }, newSessionId('empty'));
    expect(reply.status).toBe(200);
    expect(reply.body.exported).toBe(false);
    expect(reply.body.reason).toMatch(/no files/);
  });

  it('an export in progress holds the session: an invocation (or a second export) meanwhile is refused with 409, not run over the files being archived', async () => {
    // The export's archive upload is held at a pass-through in front of moto, so the test acts while it is under way.
    const gate = await startS3Gate(moto.endpoint);
    const gatedMount = join(mkdtempSync(join(tmpdir(), 'mnt-')), 'workspace');
    const gated = await startAgentServer({
      ...model.anthropicEnv(), ...moto.env, AWS_ENDPOINT_URL: gate.endpoint, OUTPUT_BUCKET_NAME: bucket.name,
      WORKSPACE_ROOT: gatedMount, SESSION_PERSISTENCE: 'session-storage', CLAUDE_CODE_MAX_RETRIES: '0', S3_TIMEOUT_MS: '600000',
    });
    try {
      const session = newSessionId('export-busy');
      model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'v1.txt'), 'first\n')]), textTurn('done')]);
      expect((await postInvocation(gated.url, { prompt: 'write' }, session)).status).toBe(200);
      await durableStatus(gated.url, session);

      const held = gate.holdNext((method, path) => method === 'PUT' && path.includes(`/sessions/${session}.tar.gz`));
      const exporting = postInvocation(gated.url, { action: 'export' }, session);
      const upload = await held;

      model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'v2.txt'), 'second\n')]), textTurn('done')]);
      const during = await postInvocation(gated.url, { prompt: 'write more' }, session);
      const second = await postInvocation(gated.url, { action: 'export' }, session);
      upload.release();
      const exported = await exporting;

      expect(during.status, JSON.stringify(during.body).slice(0, 300)).toBe(409);
      expect(during.body.error).toMatch(/export/);
      expect(existsSync(join(gatedMount, session, 'v2.txt'))).toBe(false);
      expect(second.status).toBe(409);
      expect(exported.body).toMatchObject({ exported: true, runtime_session_id: session });

      // Once the export is done the session takes invocations again.
      model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'v2.txt'), 'second\n')]), textTurn('done')]);
      expect((await postInvocation(gated.url, { prompt: 'write more' }, session)).status).toBe(200);
      expect(existsSync(join(gatedMount, session, 'v2.txt'))).toBe(true);
    } finally {
      await gated.stop().catch(() => undefined);
      await gate.stop();
      rmSync(join(gatedMount, '..'), { recursive: true, force: true });
    }
  });
});
