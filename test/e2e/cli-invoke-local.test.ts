/**
 * Issue test 7: the built CLI binary, spawned as a user would, drives the real agent server and
 * the real Claude Code binary (scripted model): `invoke --local` with and without `--json`,
 * starting a server for the call when none listens; exit codes; missing credentials; `dev`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentResponseSchema } from '@agentcore-claude/protocol';
import { CLI_BIN, requireBuilt, startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { freePort, waitForHttp } from '../support/ports.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel, type ScriptStep } from '../support/scripted-model.js';

let model: ScriptedModel;
let home: string;

beforeAll(async () => {
  requireBuilt();
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), 'cli-home-'));
});
afterAll(async () => {
  await model?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Run the CLI with a clean environment: PATH, a temp HOME, CI=true (no spinner), plus `env`. */
function cli(args: string[], env: Record<string, string>, cwd = home) {
  return execa(process.execPath, [CLI_BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true', ...env },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
}

const writeHello: ScriptStep[] = [
  (r) => toolTurn([write(join(workingDirectory(r), 'hello.py'), 'print("hello")\n')], 'Writing hello.py'),
  textTurn('Created hello.py.'),
];

describe('invoke --local with no server listening', () => {
  it('starts a server for the call, prints only the JSON reply with --json, and stops the server', async () => {
    model.setScript(writeHello);
    const cwd = mkdtempSync(join(tmpdir(), 'cli-cwd-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const run = await cli(['invoke', '--local', '--url', url, '--json', 'Create hello.py'], model.anthropicEnv(), cwd);
    expect(run.exitCode, run.stderr).toBe(0);
    const reply = agentResponseSchema.parse(JSON.parse(run.stdout));
    expect(reply.is_error).toBe(false);
    expect(reply.result).toBe('Created hello.py.');
    expect(reply.files.map((f) => f.file_name)).toEqual(['hello.py']);
    // The workspace is under ./.agentcore-claude/workspaces/<session> of the current directory.
    const file = join(cwd, '.agentcore-claude/workspaces', reply.session.runtime_session_id, 'hello.py');
    expect(readFileSync(file, 'utf8')).toBe('print("hello")\n');
    expect(reply.session.runtime_session_id.length).toBeGreaterThanOrEqual(33);
    expect(run.stderr).toBe(''); // --json: nothing but warnings/errors on stderr
    // The server started for the call is gone.
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('missing model credentials: a clear error naming what to set, exit 2, nothing started', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-cwd-'));
    const port = await freePort();
    const run = await cli(['invoke', '--local', '--url', `http://127.0.0.1:${port}`, 'Create hello.py'], {}, cwd);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('No model credentials found');
    expect(run.stderr).toContain('ANTHROPIC_API_KEY');
    expect(run.stderr).toContain('CLAUDE_CODE_USE_BEDROCK=1');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(existsSync(join(cwd, '.agentcore-claude'))).toBe(false);
    rmSync(cwd, { recursive: true, force: true });
  });
});

describe('invoke --local against a running server', () => {
  let server: RunningAgentServer;
  beforeAll(async () => {
    // IS_SANDBOX=1: tests may run as root, where Claude Code refuses bypassPermissions otherwise
    // (the image runs as a non-root user). No retries, so a 401 fails at once.
    server = await startAgentServer({ ...model.anthropicEnv(), CLAUDE_CODE_MAX_RETRIES: '0', IS_SANDBOX: '1' });
  });
  afterAll(async () => server?.stop());

  it('shows progress lines on stderr, the result on stdout, then files, session and cost', async () => {
    model.setScript(writeHello);
    const run = await cli(['invoke', '--local', '--url', server.url, 'Create hello.py'], {});
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Created hello.py.');
    expect(run.stderr).toContain('│ Writing hello.py');
    expect(run.stderr).toContain('→ Write hello.py');
    expect(run.stderr).toContain('✓ Write');
    expect(run.stderr).toMatch(/Files \(1\) → .*\(local: no output bucket is configured/);
    expect(run.stderr).toMatch(/hello\.py\s+15 B/);
    const session = /Session: (\S+) \(Claude session [0-9a-f-]{36}\)/.exec(run.stderr)?.[1];
    expect(session).toBeDefined();
    expect(run.stderr).toMatch(/Cost: \$\d+\.\d{4} · turns: \d+ · duration: /);
    expect(run.stderr).toContain(`--session ${session} "…"`);
    expect(run.stderr).not.toMatch(/\u001b\[/); // no colour or spinner without a TTY

    // --session continues in the same workspace.
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'second.py'), 'x = 2\n')]), textTurn('Added second.py.')]);
    const again = await cli(['invoke', '--local', '--url', server.url, '--json', '--session', session!, 'Add second.py'], {});
    expect(again.exitCode, again.stderr).toBe(0);
    const reply = JSON.parse(again.stdout);
    expect(reply.session.runtime_session_id).toBe(session);
    expect(reply.files.map((f: { file_name: string }) => f.file_name)).toEqual(['second.py']);
    expect(existsSync(join(server.workspaceRoot, session!, 'hello.py'))).toBe(true);
    expect(existsSync(join(server.workspaceRoot, session!, 'second.py'))).toBe(true);
  });

  it('passes permission mode, tools, max turns and model through', async () => {
    model.setScript([textTurn('ok')]);
    const run = await cli(['invoke', '--local', '--url', server.url, '--permission-mode', 'acceptAll', '--allowed-tools', 'Read,Write', '--max-turns', '3', '--model', 'claude-sonnet-4-5', 'hi'], {});
    expect(run.exitCode, run.stderr).toBe(0);
    expect(model.requests[0]!.model).toBe('claude-sonnet-4-5');
    expect(run.stderr).toMatch(/Claude Code \S+ started \(model claude-sonnet-4-5, permission mode bypassPermissions\)/);
    model.setScript([textTurn('ok')]);
    const plan = await cli(['invoke', '--local', '--url', server.url, '--permission-mode', 'plan', 'hi'], {});
    expect(plan.stderr).toContain('permission mode plan');
  });

  it('an agent error exits 1 with the reason on stderr (and the JSON reply with --json)', async () => {
    model.setScript([{ httpError: { status: 401, message: 'invalid x-api-key' } }]);
    const run = await cli(['invoke', '--local', '--url', server.url, 'hi'], {});
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/The agent failed \(error_result\): .*API key/);
    model.setScript([{ httpError: { status: 401, message: 'invalid x-api-key' } }]);
    const json = await cli(['invoke', '--local', '--url', server.url, '--json', 'hi'], {});
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout).is_error).toBe(true);
  });

  it('usage errors exit 2: unknown tool (the server lists the valid ones), bad mode, short session id', async () => {
    const tool = await cli(['invoke', '--local', '--url', server.url, '--allowed-tools', 'Bash,Replace', 'hi'], {});
    expect(tool.exitCode).toBe(2);
    expect(tool.stderr).toContain('Unknown tool name(s) in allowed_tools: Replace');
    expect(tool.stderr).toContain('"valid_tools"');
    const mode = await cli(['invoke', '--local', '--url', server.url, '--permission-mode', 'yolo', 'hi'], {});
    expect(mode.exitCode).toBe(2);
    expect(mode.stderr).toContain('Unknown permission mode "yolo"');
    const session = await cli(['invoke', '--local', '--url', server.url, '--session', 'short', 'hi'], {});
    expect(session.exitCode).toBe(2);
    expect(session.stderr).toContain('--session must be 33-128 characters');
  });

  it('Ctrl-C (SIGINT) exits 130 and stops the agent run on the server', async () => {
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'before.txt'), 'x\n')]), textTurn('never', 30_000)]);
    const child = cli(['invoke', '--local', '--url', server.url, 'slow task'], {});
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('✓ Write')) resolve();
      });
    });
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(run.stderr).toContain('Interrupted.');
    // The server saw the client go and aborted the agent.
    await expect.poll(() => server.output(), { timeout: 10_000 }).toMatch(/"subtype":"error_aborted"/);
    expect((await (await fetch(`${server.url}/ping`)).json()).status).toBe('Healthy');
  });

  it('without --local and without a deployment: a usage error saying to deploy (remote invoke)', async () => {
    const run = await cli(['invoke', 'hi'], model.anthropicEnv());
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('No deployment found');
    expect(run.stderr).toContain('agentcore-claude deploy');
  });
});

describe('dev', () => {
  it('runs the server, says where it listens and which model access it found, and stops on SIGTERM', async () => {
    const port = await freePort();
    const root = mkdtempSync(join(tmpdir(), 'dev-root-'));
    const child = execa(process.execPath, [CLI_BIN, 'dev', '--port', String(port), '--workspace-root', root], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true', ...model.bedrockEnv('us.anthropic.claude-haiku-4-5-20251001-v1:0') },
      extendEnv: false,
      reject: false,
    });
    await waitForHttp(`http://127.0.0.1:${port}/ping`, 20_000);
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'dev.txt'), 'dev\n')]), textTurn('done')]);
    const run = await cli(['invoke', '--local', '--url', `http://127.0.0.1:${port}`, '--json', 'write dev.txt'], {});
    expect(run.exitCode, run.stderr).toBe(0);
    const reply = JSON.parse(run.stdout);
    expect(existsSync(join(root, reply.session.runtime_session_id, 'dev.txt'))).toBe(true);
    expect(model.requests[0]!.api).toBe('bedrock');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`Agent server listening on http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('Model access: Amazon Bedrock in us-east-1, model us.anthropic.claude-haiku-4-5-20251001-v1:0');
    rmSync(root, { recursive: true, force: true });
  });

  it('--skills validates the skills first, then every session gets them and the model is offered them', async () => {
    const skills = mkdtempSync(join(tmpdir(), 'dev-skills-'));
    mkdirSync(join(skills, 'broken'));
    writeFileSync(join(skills, 'broken', 'SKILL.md'), 'no front matter');
    const bad = await cli(['dev', '--skills', skills], {});
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('broken/SKILL.md has no front matter');

    rmSync(join(skills, 'broken'), { recursive: true });
    mkdirSync(join(skills, 'api-docs'));
    writeFileSync(join(skills, 'api-docs', 'SKILL.md'), '---\nname: api-docs\ndescription: Document HTTP APIs in OpenAPI. Use for API docs.\n---\nSteps.\n');
    const port = await freePort();
    const root = mkdtempSync(join(tmpdir(), 'dev-root-'));
    const child = execa(process.execPath, [CLI_BIN, 'dev', '--port', String(port), '--workspace-root', root, '--skills', skills], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true', ...model.anthropicEnv() },
      extendEnv: false,
      reject: false,
    });
    await waitForHttp(`http://127.0.0.1:${port}/ping`, 20_000);
    model.setScript([textTurn('I can document APIs.')]);
    const run = await cli(['invoke', '--local', '--url', `http://127.0.0.1:${port}`, '--json', 'what can you do?'], {});
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.stringify(model.requests[0])).toContain('Document HTTP APIs in OpenAPI');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.stderr).toContain('Skills: api-docs');
    rmSync(root, { recursive: true, force: true });
    rmSync(skills, { recursive: true, force: true });
  });
});
