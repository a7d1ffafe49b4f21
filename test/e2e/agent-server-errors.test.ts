/**
 * Issue test 5: bad payloads → 4xx `{error, details}` saying what is wrong, and the server keeps
 * serving; plus agent failures (model refusing credentials, max turns, Claude Code exiting
 * non-zero) → 500 with the reason and the tail of the process's stderr.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { newSessionId, postInvocation, SESSION_HEADER } from '../support/invocations.js';
import { bash, startScriptedModel, textTurn, toolTurn, type ScriptedModel } from '../support/scripted-model.js';

const BODY_LIMIT = 4096;
let model: ScriptedModel;
let server: RunningAgentServer;

beforeAll(async () => {
  model = await startScriptedModel();
  // No retries: Claude Code would otherwise retry a 401 ten times with backoff (minutes).
  server = await startAgentServer({ ...model.anthropicEnv(), MAX_BODY_BYTES: String(BODY_LIMIT), CLAUDE_CODE_MAX_RETRIES: '0' });
});
afterAll(async () => {
  await server?.stop();
  await model?.stop();
});

const cases: Array<{ name: string; body: unknown; status: number; error: RegExp; details?: (d: any) => void }> = [
  { name: 'invalid JSON', body: '{"prompt": "x"', status: 400, error: /not valid JSON/ },
  { name: 'a JSON array', body: '[1,2]', status: 400, error: /must be a JSON object/ },
  { name: 'input not an object', body: { input: 'hello' }, status: 400, error: /"input" must be a JSON object/ },
  { name: 'missing prompt', body: { input: { permission_mode: 'acceptEdits' } }, status: 400, error: /prompt is required/ },
  { name: 'empty prompt', body: { prompt: '   ' }, status: 400, error: /prompt must not be empty/ },
  { name: 'non-string prompt', body: { prompt: 42 }, status: 400, error: /prompt must be a string/ },
  { name: 'unknown permission mode', body: { prompt: 'x', permission_mode: 'yolo' }, status: 400, error: /permission_mode must be one of .*acceptAll, manual/ },
  {
    name: "the original scripts' tool names", body: { prompt: 'x', allowed_tools: 'Bash,Read,Write,Replace,Search,List,WebFetch,AskFollowup' }, status: 400,
    error: /Unknown tool name\(s\) in allowed_tools: Replace, Search, List, AskFollowup/,
    details: (d) => {
      expect(d.unknown_tools).toEqual(['Replace', 'Search', 'List', 'AskFollowup']);
      expect(d.valid_tools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'WebFetch', 'WebSearch', 'TodoWrite', 'NotebookEdit', 'Task']));
    },
  },
  { name: 'allowed_tools of the wrong type', body: { prompt: 'x', allowed_tools: 7 }, status: 400, error: /allowed_tools must be a comma-separated string or an array/ },
  { name: 'max_turns zero', body: { prompt: 'x', max_turns: 0 }, status: 400, error: /max_turns must be at least 1/ },
  { name: 'max_turns as a string', body: { prompt: 'x', max_turns: '5' }, status: 400, error: /max_turns must be an integer/ },
  { name: 'empty model', body: { prompt: 'x', model: '' }, status: 400, error: /model must not be empty/ },
  { name: 'body over the limit', body: { prompt: 'x'.repeat(BODY_LIMIT) }, status: 413, error: new RegExp(`exceeds ${BODY_LIMIT} bytes`), details: (d) => expect(d.limit_bytes).toBe(BODY_LIMIT) },
];

describe('bad payloads', () => {
  it.each(cases)('$name → $status with the error', async ({ body, status, error, details }) => {
    model.setScript([textTurn('should not run')]);
    const reply = await postInvocation(server.url, body);
    expect(reply.status).toBe(status);
    expect(reply.body.error).toMatch(error);
    expect(reply.body).toHaveProperty('details');
    details?.(reply.body.details);
    expect(model.requests).toHaveLength(0);
  });

  it('refuses an over-long session id, and wrong methods/routes', async () => {
    const bad = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { [SESSION_HEADER]: 'x'.repeat(257) }, body: '{"prompt":"x"}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain(`${SESSION_HEADER.toLowerCase()} is longer than 256 characters`);
    const get = await fetch(`${server.url}/invocations`);
    expect(get.status).toBe(405);
    const missing = await fetch(`${server.url}/nope`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
  });

  it('still serves a good request afterwards (aliases and a tool rule accepted)', async () => {
    model.setScript([textTurn('fine')]);
    const reply = await postInvocation(server.url, { input: { prompt: 'hello', permission_mode: 'manual', allowed_tools: ['Read', 'Bash(ls:*)', 'mcp__files__read'] } });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toBe('fine');
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });
});

describe('session ids that are not plain names', () => {
  it('map to a hashed directory inside the workspace root, never to a path', async () => {
    model.setScript([textTurn('ok')]);
    const reply = await postInvocation(server.url, { prompt: 'hi' }, '../../etc/passwd-and-more-than-33-characters');
    expect(reply.status).toBe(200);
    expect(reply.body.session.runtime_session_id).toBe('../../etc/passwd-and-more-than-33-characters');
    expect(reply.body.output.path).toMatch(new RegExp(`^${server.workspaceRoot}/h-[0-9a-f]{64}$`));
  });
});

describe('agent failures → 500 with the reason', () => {
  it('model rejects the credentials', async () => {
    model.setScript([{ httpError: { status: 401, message: 'invalid x-api-key' } }]);
    const reply = await postInvocation(server.url, { prompt: 'hello' }, newSessionId('auth'));
    expect(reply.status).toBe(500);
    expect(reply.body.is_error).toBe(true);
    expect(reply.body.error).toMatch(/Agent run failed/);
    expect(`${reply.body.result} ${reply.body.details.reason}`).toMatch(/401|invalid x-api-key|API key|authenticat/i);
    expect(typeof reply.body.details.stderr_tail).toBe('string');
  });

  it('max turns reached', async () => {
    model.setScript([toolTurn([bash('echo one')]), toolTurn([bash('echo two')]), toolTurn([bash('echo three')]), textTurn('never')]);
    const reply = await postInvocation(server.url, { prompt: 'loop', max_turns: 1 }, newSessionId('turns'));
    expect(reply.status).toBe(500);
    expect(reply.body.is_error).toBe(true);
    expect(reply.body.subtype).toBe('error_max_turns');
    expect(reply.body.result).toBe('Stopped after reaching max_turns (1)');
  });
});

describe('Claude Code process exits non-zero', () => {
  let dir: string;
  let broken: RunningAgentServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'broken-claude-'));
    const exe = join(dir, 'claude');
    // Stands in for a Claude Code binary that cannot start (e.g. a wrong-architecture image).
    writeFileSync(exe, '#!/bin/sh\necho "fatal: cannot load model configuration (simulated)" >&2\nexit 3\n');
    chmodSync(exe, 0o755);
    broken = await startAgentServer({ ...model.anthropicEnv(), CLAUDE_CODE_EXECUTABLE: exe });
  });
  afterAll(async () => {
    await broken?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replies 500 with the exit reason and the stderr tail, and keeps serving', async () => {
    const reply = await postInvocation(broken.url, { prompt: 'hello' }, newSessionId('crash'));
    expect(reply.status).toBe(500);
    expect(reply.body.is_error).toBe(true);
    expect(reply.body.subtype).toBe('error_process');
    expect(reply.body.details.reason).toMatch(/exited with code 3/);
    expect(reply.body.details.stderr_tail).toContain('fatal: cannot load model configuration (simulated)');
    expect((await fetch(`${broken.url}/ping`)).status).toBe(200);
  });
});
