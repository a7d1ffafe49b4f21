/**
 * Secrets never leave the agent server (issue 8 §2): three secrets (the model API key, the Git
 * token, an AWS secret key) in four encodings (raw, JSON-escaped, URL-encoded, base64), which the
 * agent gets hold of and puts everywhere it can — its answer, files, Claude Code's own session
 * transcript — and none of them reaches the SSE events, the reply, the status, the server's log,
 * or any object in the bucket (outputs, transcript, session archive decompressed, run status).
 *
 * With its own user (AGENT_USER, the image's set-up; needs root, which CI has) the agent cannot
 * read the Git token from any process's environment; without it (dev) it can — the comparison
 * proves the check can fail.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { claudeBinaryPath } from '../support/claude-binary.js';
import { bucketContents, encodings, IS_ROOT, leaks, makeReachable } from '../support/hostile.js';
import { durableStatus, newSessionId, postInvocation, streamInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { bash, startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

if (!IS_ROOT && process.env.CI) throw new Error('CI must run as root: the agent-user isolation tests need it (no silent skip).');
if (!IS_ROOT) console.warn('hostile-secrets: skipped — run as root to test the agent user isolation (CI does).');

const SECRETS = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-S3cr3t/Key+Value_0123456789',
  GIT_TOKEN: 'ghp_Token"Value\\Back_9876543210',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EVERY_FORM = Object.values(SECRETS).flatMap((s) => Object.values(encodings(s))).join(' | ');

let moto: Moto;
let model: ScriptedModel;
let bucket: TestBucket;
const servers: RunningAgentServer[] = [];

async function server(bucketName: string, extra: Record<string, string>): Promise<RunningAgentServer> {
  const started = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, ...SECRETS, OUTPUT_BUCKET_NAME: bucketName, ...extra });
  servers.push(started);
  chmodSync(started.tempDir, 0o755);
  return started;
}

/** The agent reads every process environment it can, dumps its own, and echoes the secrets everywhere. */
function hostileScript(): Parameters<ScriptedModel['setScript']>[0] {
  return [
    (r) => {
      const ws = workingDirectory(r);
      return toolTurn([
        bash("printenv > env.txt; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c '^GIT_TOKEN=' > git-token-seen.txt; true"),
        write(join(ws, 'leak.txt'), `every form: ${EVERY_FORM}\n`),
        write(join(ws, 'transcript.jsonl'), 'AGENT FILE\n'),
        write(join(ws, 'transcript (workspace).jsonl'), 'AGENT FILE 2\n'),
      ]);
    },
    textTurn(`Done. ${EVERY_FORM}`),
  ];
}

beforeAll(async () => {
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  bucket = await createTestBucket(moto, 'isolated-outputs');
  if (IS_ROOT) makeReachable(claudeBinaryPath());
});
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await Promise.all([moto?.stop(), model?.stop()]);
});

describe.skipIf(!IS_ROOT)('secrets, with the agent as its own user', () => {
  it('reach no event, reply, status, log line or stored object, in any of four encodings', async () => {
    const agent = await server(bucket.name, { AGENT_USER: '23456:23456' });
    expect(agent.output()).toMatch(/isolation: agent runs as 23456:23456/);
    const session = newSessionId('secrets');
    model.setScript(hostileScript());
    const streamed = await streamInvocation(agent.url, { prompt: 'leak everything' }, session);
    expect(streamed.status).toBe(200);
    const events = streamed.events.map((e) => e.event);
    const reply = events.at(-1);
    expect(reply.type).toBe('result');
    expect(reply.is_error, JSON.stringify(reply)).toBe(false);
    expect(reply.result).toContain('[REDACTED]');

    expect(leaks(JSON.stringify(events), SECRETS), 'SSE events and reply').toEqual([]);
    const status = await durableStatus(agent.url, session);
    expect(status.status).toBe('succeeded');
    expect(status.response.session_saved).toMatchObject({ saved: true });
    expect(leaks(JSON.stringify(status), SECRETS), 'status').toEqual([]);
    expect(leaks(agent.output(), SECRETS), 'server log').toEqual([]);

    const stored = await bucketContents(bucket);
    const keys = [...stored.keys()];
    expect(keys.some((k) => k.startsWith('sessions/') && k.endsWith('.tar.gz')), keys.join('\n')).toBe(true);
    expect(keys.some((k) => k.startsWith('runs/')), keys.join('\n')).toBe(true);
    for (const [key, text] of stored) expect(leaks(text, SECRETS), key).toEqual([]);
    // Claude Code's own session transcript is in the archive, and it held the secrets before scrubbing.
    const archive = [...stored].find(([k]) => k.endsWith('.tar.gz'))![1];
    expect(archive).toMatch(/projects\/-/);
    expect(archive).toContain('"sessionId":"');
    expect(archive).toContain('[REDACTED]');

    // The agent could not read the Git token from any process's environment.
    const seen = reply.files.find((f: { file_name: string }) => f.file_name === 'git-token-seen.txt');
    expect(stored.get(seen.s3_url.replace(`s3://${bucket.name}/`, ''))?.trim()).toBe('0');

    // The transcript link is the server's transcript; the agent's files of that name moved aside.
    expect(reply.transcript.s3_url).toMatch(/\/transcript\.jsonl$/);
    const transcript = stored.get(reply.transcript.s3_url.replace(`s3://${bucket.name}/`, ''))!;
    expect(JSON.parse(transcript.split('\n')[0]!)).toHaveProperty('message');
    const agentFile = reply.files.find((f: { file_name: string }) => f.file_name === 'transcript.jsonl');
    expect(agentFile.s3_url).toMatch(/\/transcript \(workspace 2\)\.jsonl$/);
    expect(stored.get(agentFile.s3_url.replace(`s3://${bucket.name}/`, ''))).toBe('AGENT FILE\n');
  });

  it('the same agent as the server\'s own user (dev) can read the token from the server\'s environment', async () => {
    const devBucket = await createTestBucket(moto, 'dev-outputs');
    const agent = await server(devBucket.name, {});
    expect(agent.output()).toMatch(/isolation: WARNING: agent runs as root/);
    model.setScript(hostileScript());
    const devSession = newSessionId('dev');
    const reply = await postInvocation(agent.url, { prompt: 'leak everything' }, devSession);
    expect(reply.status).toBe(200);
    await durableStatus(agent.url, devSession);
    const seen = readFileSync(join(agent.workspaceRoot, reply.body.session.runtime_session_id, 'git-token-seen.txt'), 'utf8');
    expect(Number(seen.trim())).toBeGreaterThan(0);
    // Still nothing in what the server sends or stores.
    expect(leaks(JSON.stringify(reply.body), SECRETS)).toEqual([]);
    for (const [key, text] of await bucketContents(devBucket)) expect(leaks(text, SECRETS), key).toEqual([]);
  });
});
