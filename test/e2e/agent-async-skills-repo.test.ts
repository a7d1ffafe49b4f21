/**
 * Issue 5 §3–5 end to end with the real Claude Code binary and the scripted model:
 * asynchronous runs with status, bundled skills, and repository workspaces.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { createBareRepo, git } from '../support/git-repo.js';
import { newSessionId, postInvocation } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket, type TestBucket } from '../support/s3-bucket.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

const BUCKET = 'async-outputs';
let moto: Moto;
let model: ScriptedModel;
let bucket: TestBucket;
let server: RunningAgentServer;
let temp: string;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'async-skills-repo-'));
  const skills = join(temp, 'skills');
  mkdirSync(join(skills, 'release-notes'), { recursive: true });
  writeFileSync(join(skills, 'release-notes', 'SKILL.md'), '---\nname: release-notes\ndescription: Write release notes from git history. Use when asked for a changelog.\n---\nRun git log and summarize.\n');
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  bucket = await createTestBucket(moto, BUCKET);
  server = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: BUCKET, AGENT_ALLOW_FILE_REPOS: '1', SKILLS_DIR: skills });
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([moto?.stop(), model?.stop()]);
  rmSync(temp, { recursive: true, force: true });
});

async function status(sessionId: string) {
  return postInvocation(server.url, { action: 'status' }, sessionId);
}

describe('async runs', () => {
  it('replies at once while the agent works, reports progress, then the result; outputs are downloadable', async () => {
    const session = newSessionId('async');
    model.setScript([
      (r) => ({ ...toolTurn([write(join(workingDirectory(r), 'report.md'), '# Report\n')]), delayMs: 1500 }),
      textTurn('Report written.', 1500),
    ]);
    const started = performance.now();
    const reply = await postInvocation(server.url, { prompt: 'write a report', async: true }, session);
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ status: 'running', runtime_session_id: session, invocation_id: expect.any(String) });
    expect(elapsed).toBeLessThan(1000); // the model alone takes 3 s

    const running = await status(session);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ status: 'running', invocation_id: reply.body.invocation_id, response: null });
    const ping = (await (await fetch(`${server.url}/ping`)).json()) as { status: string };
    expect(ping.status).toBe('HealthyBusy');

    let done = running.body;
    for (let i = 0; i < 100 && done.status === 'running'; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      done = (await status(session)).body;
    }
    expect(done).toMatchObject({ status: 'succeeded', files_so_far: ['report.md'], response: { result: 'Report written.', is_error: false } });
    expect(done.turns).toBeGreaterThanOrEqual(1);
    const prefix = done.response.output.prefix as string;
    expect(await bucket.read(`${prefix}report.md`)).toBe('# Report\n');
  });

  it('says clearly when the session never ran here', async () => {
    const id = newSessionId('unknown');
    const reply = await status(id);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ runtime_session_id: id, status: 'unknown', reason: expect.stringMatching(/no run of this session on this agent/) });
  });
});

describe('skills', () => {
  it('installs bundled skills in the workspace, and the model is offered them', async () => {
    model.setScript([textTurn('ok')]);
    const session = newSessionId('skills');
    const reply = await postInvocation(server.url, { prompt: 'what skills do you have?' }, session);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const request = model.requests[0]!;
    const offered = JSON.stringify({ system: request.system, messages: request.messages, tools: request.tools });
    expect(offered).toContain('release-notes');
    expect(offered).toContain('Write release notes from git history');
    expect(readFileSync(join(server.workspaceRoot, session, '.claude', 'skills', 'release-notes', 'SKILL.md'), 'utf8')).toContain('name: release-notes');
    expect(reply.body.files).toEqual([]); // the installed skills are not outputs
  });
});

describe('repository workspaces', () => {
  it('clones, works on agentcore/<session>, and returns a patch that applies cleanly to the base', async () => {
    const bare = createBareRepo(temp, { 'README.md': '# demo\n' }, 'demo');

    const session = newSessionId('repo');
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'src', 'feature.py'), 'def feature():\n    return 42\n')]), textTurn('Feature added.')]);
    const reply = await postInvocation(server.url, { prompt: 'add a feature', repo: `file://${bare}`, branch: 'main' }, session);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.repo).toMatchObject({ work_branch: `agentcore/${session}`, pushed: false, changed_files: [{ status: 'A', path: 'src/feature.py' }] });
    expect(reply.body.files.map((f: { file_name: string }) => f.file_name)).toEqual(['src/feature.py']); // no .git internals
    const prefix = reply.body.output.prefix as string;
    expect(reply.body.repo.patch.s3_url).toBe(`s3://${BUCKET}/${prefix}changes.patch`);

    const check = join(temp, 'check');
    execFileSync('git', ['clone', '-q', bare, check]);
    writeFileSync(join(temp, 'changes.patch'), await bucket.read(`${prefix}changes.patch`));
    git(check, 'am', '-q', join(temp, 'changes.patch'));
    expect(readFileSync(join(check, 'src', 'feature.py'), 'utf8')).toBe('def feature():\n    return 42\n');
  });

  it('refuses an unusable repository before running the agent', async () => {
    const reply = await postInvocation(server.url, { prompt: 'x', repo: 'file:///nonexistent/repo.git' }, newSessionId('badrepo'));
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ is_error: true, subtype: 'error_repository' });
    expect(reply.body.error).toMatch(/Could not prepare the repository: git clone/);
  });
});
