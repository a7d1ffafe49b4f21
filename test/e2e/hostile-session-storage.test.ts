/**
 * Session storage (`SESSION_PERSISTENCE=session-storage`) against an agent that attacks the root
 * server through the mount it shares with it between invocations: the agent runs as its own user
 * (AGENT_USER=24712:24712, a uid no other test file uses), the real Claude Code binary against the
 * scripted model, S3 on moto. The mount's own permissions are AgentCore's to choose, so the test
 * assumes the worst: a mount root the agent's user may write to.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { claudeBinaryPath } from '../support/claude-binary.js';
import { IS_ROOT, makeReachable } from '../support/hostile.js';
import { durableStatus, newSessionId, postInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { bash, startScriptedModel, textTurn, toolTurn, type ScriptedModel } from '../support/scripted-model.js';

if (!IS_ROOT && process.env.CI) throw new Error('CI must run as root: the agent-user isolation tests need it (no silent skip).');

let model: ScriptedModel;
let moto: Moto;
let bucket: TestBucket;
let temp: string;
let agent: RunningAgentServer;

beforeAll(async () => {
  if (!IS_ROOT) return;
  [model, moto] = await Promise.all([startScriptedModel(), startMoto()]);
  bucket = await createTestBucket(moto, 'hostile-storage');
  temp = mkdtempSync(join(tmpdir(), 'hostile-storage-'));
  chmodSync(temp, 0o755);
  const mount = join(temp, 'mnt');
  mkdirSync(mount);
  // The worst a platform mount could be: writable by every user.
  chmodSync(mount, 0o777);
  makeReachable(claudeBinaryPath());
  agent = await startAgentServer({
    ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: bucket.name, WORKSPACE_ROOT: mount,
    SESSION_PERSISTENCE: 'session-storage', AGENT_USER: '24712:24712', CLAUDE_CODE_MAX_RETRIES: '0',
  });
  chmodSync(agent.tempDir, 0o755);
});
afterAll(async () => {
  await agent?.stop().catch(() => undefined);
  await Promise.all([model?.stop(), moto?.stop()]);
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe.skipIf(!IS_ROOT)('session storage, agent as its own user (needs root)', () => {
  it('a workspace the agent swapped for a link is not followed by the server: no root-only file is scanned, scrubbed or delivered', async () => {
    // A root-only directory elsewhere on the machine: what the link points the server at.
    const victim = join(temp, 'victim');
    mkdirSync(victim, { mode: 0o700 });
    writeFileSync(join(victim, 'root-only.txt'), 'ROOT ONLY\n', { mode: 0o600 });

    const session = newSessionId('swap');
    model.setScript([toolTurn([bash(`ws="$(pwd)"; cd .. && mv "$ws" "$ws.moved" && ln -s ${victim} "$ws" && echo swapped`)]), textTurn('done')]);
    const first = await postInvocation(agent.url, { prompt: 'swap' }, session);
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    await durableStatus(agent.url, session);

    model.setScript([textTurn('second run')]);
    const second = await postInvocation(agent.url, { prompt: 'again' }, session);
    const names = (second.body.files ?? []).map((f: { file_name: string }) => f.file_name);
    expect(names).not.toContain('root-only.txt');
    const uploaded = await Promise.all((await bucket.keys('outputs/')).map((key) => bucket.read(`outputs/${key}`)));
    expect(uploaded.some((text) => text.includes('ROOT ONLY'))).toBe(false);
    // Refused, saying why.
    expect(second.status).toBe(500);
    expect(second.body.error).toMatch(/not a directory of its own|link/);
  });
});
