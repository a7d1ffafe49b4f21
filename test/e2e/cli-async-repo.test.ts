/**
 * Issue 5 through the built CLI: `invoke --async` + `status --wait` + `download --run`,
 * `invoke --transcript`, `invoke --repo` — against the real agent server (real Claude Code,
 * scripted model) and moto S3.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { runCli, spawnCli } from '../support/cli.js';
import { createBareRepo } from '../support/git-repo.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createTestBucket } from '../support/s3-bucket.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';

const BUCKET = 'cli-async-outputs';
let moto: Moto;
let model: ScriptedModel;
let server: RunningAgentServer;
let cwd: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'cli-async-'));
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  await createTestBucket(moto, BUCKET);
  server = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: BUCKET, AGENT_ALLOW_FILE_REPOS: '1' });
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([moto?.stop(), model?.stop()]);
  rmSync(cwd, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  const run = await runCli(args, { cwd, env: { ...moto.env, PATH: process.env.PATH } });
  return { exitCode: run.exitCode, stdout: String(run.stdout), stderr: String(run.stderr) };
}

describe('invoke --async, status, download', () => {
  it('starts, reports running, waits for success, and the outputs download', async () => {
    model.setScript([
      (r) => ({ ...toolTurn([write(join(workingDirectory(r), 'notes', 'plan.md'), '# Plan\n')]), delayMs: 2500 }),
      textTurn('Plan written.', 500),
    ]);
    const started = await cli(['invoke', '--local', '--url', server.url, '--async', 'write a plan']);
    expect(started.exitCode, started.stderr).toBe(0);
    const session = started.stdout.trim();
    expect(session.length).toBeGreaterThanOrEqual(33);
    expect(started.stderr).toContain(`status --local --url ${server.url} --session ${session} --wait`);

    const now = await cli(['status', '--local', '--url', server.url, '--session', session]);
    expect(now.exitCode, now.stderr).toBe(0);
    expect(now.stdout.trim()).toBe('running'); // the model is still thinking

    const done = await cli(['status', '--local', '--url', server.url, '--session', session, '--wait', '--json']);
    expect(done.exitCode, done.stderr).toBe(0);
    const reply = JSON.parse(done.stdout);
    expect(reply).toMatchObject({ status: 'succeeded', files_so_far: ['notes/plan.md'], response: { result: 'Plan written.' } });

    const folder = (reply.response.output.prefix as string).split('/')[1]!;
    const download = await cli(['download', '--bucket', BUCKET, '--run', folder, '--out', 'out']);
    expect(download.exitCode, download.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'out', folder, 'notes', 'plan.md'), 'utf8')).toBe('# Plan\n');
    // The transcript comes with the outputs.
    expect(readFileSync(join(cwd, 'out', folder, 'transcript.jsonl'), 'utf8')).toContain('"type":"result"');
  });

  it('refuses --async when it would have to start a server that dies with the command', async () => {
    const run = await cli(['invoke', '--local', '--url', 'http://127.0.0.1:9', '--async', 'x']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--async needs an agent server that outlives this command');
  });

  it('Ctrl-C during status --wait exits 130 and says the run goes on and how to wait again', async () => {
    model.setScript([textTurn('slow plan', 30_000)]);
    const started = await cli(['invoke', '--local', '--url', server.url, '--async', 'plan slowly']);
    expect(started.exitCode, started.stderr).toBe(0);
    const session = started.stdout.trim();
    const waiting = spawnCli(['status', '--local', '--url', server.url, '--session', session, '--wait'], { cwd, env: { ...moto.env, PATH: process.env.PATH } });
    await new Promise<void>((resolve) => waiting.stderr?.on('data', (chunk: Buffer) => chunk.toString().includes('Waiting for the run') && resolve()));
    waiting.kill('SIGINT');
    const run = await waiting;
    expect(run.exitCode).toBe(130);
    expect(String(run.stderr)).toContain(`The run in session ${session} goes on.`);
    expect(String(run.stderr)).toContain(`Wait again: agentcore-claude status --local --url ${server.url} --session ${session} --wait`);
  });

  it('status of an unknown session: exit 2 with the reason', async () => {
    const run = await cli(['status', '--local', '--url', server.url, '--session', `nothing-here-${crypto.randomUUID()}`]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('has no run on the agent');
  });
});

describe('invoke --transcript', () => {
  it('prints the run as JSON Lines on stdout', async () => {
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'a.txt'), 'a')]), textTurn('ok')]);
    const run = await cli(['invoke', '--local', '--url', server.url, '--transcript', 'write a.txt']);
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0].message.type).toBe('system');
    expect(lines.some((l) => l.message.type === 'assistant')).toBe(true);
    expect(lines.at(-1).message).toMatchObject({ type: 'result', subtype: 'success' });
    expect(run.stderr).toContain(`Transcript: s3://${BUCKET}/outputs/`);
  });
});

describe('invoke --repo', () => {
  it('returns the patch and the changed files of the clone', async () => {
    const bare = createBareRepo(cwd, { 'app.py': 'print(1)\n' });
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'app.py'), 'print(2)\n')]), textTurn('Changed app.py.')]);
    const run = await cli(['invoke', '--local', '--url', server.url, '--json', '--repo', `file://${bare}`, '--branch', 'main', 'bump the number']);
    expect(run.exitCode, run.stderr).toBe(0);
    const reply = JSON.parse(run.stdout);
    expect(reply.repo.changed_files).toEqual([{ status: 'M', path: 'app.py' }]);
    expect(reply.repo.patch.s3_url).toMatch(/changes\.patch$/);

    const bad = await cli(['invoke', '--local', '--url', server.url, '--branch', 'main', 'x']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--branch and --base need --repo');
  });
});
