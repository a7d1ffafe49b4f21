import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TURNS, MAX_PROMPT_CHARS, parseInvocationPayload, PayloadError } from '../../container/src/payload.js';
import { DEFAULT_ALLOWED_TOOLS, isValidToolName } from '../../container/src/tools.js';

const parseAny = (body: unknown) => parseInvocationPayload(typeof body === 'string' ? body : JSON.stringify(body));
const parse = (body: unknown) => {
  const request = parseAny(body);
  if (request.action !== 'invoke') throw new Error(`expected an invocation, got ${JSON.stringify(request)}`);
  return request;
};

describe('parseInvocationPayload: status, async and repository requests', () => {
  it('reads {"action":"status"} in both forms, without a prompt', () => {
    expect(parseAny({ action: 'status' })).toEqual({ action: 'status' });
    expect(parseAny({ input: { action: 'status' } })).toEqual({ action: 'status' });
  });
  it('refuses unknown actions, naming the valid ones', () => {
    expect(() => parseAny({ action: 'delete' })).toThrow(PayloadError);
    expect(() => parseAny({ action: 'delete' })).toThrow('Unknown action');
  });
  it('reads async and repo/branch/base', () => {
    expect(parse({ prompt: 'x', async: true, repo: 'https://github.com/o/r.git', branch: 'dev', base: 'main' })).toMatchObject({
      async: true,
      repo: { repo: 'https://github.com/o/r.git', branch: 'dev', base: 'main' },
    });
  });
  it.each([
    [{ prompt: 'x', async: 'yes' }, 'async must be true or false'],
    [{ prompt: 'x', repo: 'git@github.com:o/r.git' }, 'repo is not a URL'],
    [{ prompt: 'x', repo: 'https://u:p@github.com/o/r.git' }, 'repo embeds credentials'],
    [{ prompt: 'x', branch: 'dev' }, 'branch and base need repo'],
  ])('%j → %s', (body, message) => {
    expect(() => parseAny(body)).toThrow(message);
  });
});

describe('parseInvocationPayload: accepted forms', () => {
  it('reads the AgentCore form and the flat form alike, with defaults', () => {
    const expected = { action: 'invoke', prompt: 'hi', permissionMode: 'acceptEdits', allowedTools: DEFAULT_ALLOWED_TOOLS, maxTurns: DEFAULT_MAX_TURNS, model: undefined, async: false, repo: undefined };
    expect(parse({ input: { prompt: 'hi' } })).toEqual(expected);
    expect(parse({ prompt: 'hi' })).toEqual(expected);
  });

  it.each([
    ['acceptAll', 'bypassPermissions'],
    ['manual', 'default'],
    ['plan', 'plan'],
    ['acceptEdits', 'acceptEdits'],
    ['bypassPermissions', 'bypassPermissions'],
    ['dontAsk', 'dontAsk'],
  ])('permission_mode %s → %s', (given, mode) => {
    expect(parse({ prompt: 'x', permission_mode: given }).permissionMode).toBe(mode);
  });

  it('takes allowed_tools as a comma-separated string (spaces trimmed) or an array, with rules and MCP tools', () => {
    expect(parse({ prompt: 'x', allowed_tools: 'Bash, Read ,Write,' }).allowedTools).toEqual(['Bash', 'Read', 'Write']);
    expect(parse({ prompt: 'x', allowed_tools: ['Edit', 'Bash(npm test:*)', 'mcp__github__create_issue', 'mcp__github'] }).allowedTools)
      .toEqual(['Edit', 'Bash(npm test:*)', 'mcp__github__create_issue', 'mcp__github']);
  });

  it('keeps max_turns and model, ignores unknown fields', () => {
    expect(parse({ prompt: 'x', max_turns: 7, model: 'claude-x', extra: true })).toMatchObject({ maxTurns: 7, model: 'claude-x' });
  });
});

describe('parseInvocationPayload: refusals', () => {
  const table: Array<[string, unknown, RegExp]> = [
    ['invalid JSON', '{', /not valid JSON/],
    ['null', 'null', /must be a JSON object/],
    ['a string', '"hi"', /must be a JSON object/],
    ['input is an array', { input: [] }, /"input" must be a JSON object/],
    ['no prompt', {}, /prompt is required/],
    ['prompt null', { prompt: null }, /prompt must be a string/],
    ['blank prompt', { prompt: '\n\t ' }, /prompt must not be empty/],
    ['prompt too long', { prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) }, /prompt must be at most/],
    ['mode not a string', { prompt: 'x', permission_mode: 1 }, /permission_mode/],
    ['unknown mode', { prompt: 'x', permission_mode: 'auto-accept' }, /permission_mode must be one of default, acceptEdits, bypassPermissions, plan, dontAsk, acceptAll, manual/],
    ['tools of a wrong type', { prompt: 'x', allowed_tools: { Bash: true } }, /allowed_tools must be a comma-separated string or an array/],
    ['a non-string tool', { prompt: 'x', allowed_tools: ['Bash', 3] }, /allowed_tools/],
    ['unknown tools', { prompt: 'x', allowed_tools: 'Bash,Replace,Search' }, /Unknown tool name\(s\) in allowed_tools: Replace, Search/],
    ['a rule of an unknown tool', { prompt: 'x', allowed_tools: ['Shell(ls)'] }, /Unknown tool name\(s\) in allowed_tools: Shell\(ls\)/],
    ['max_turns fractional', { prompt: 'x', max_turns: 2.5 }, /max_turns must be an integer/],
    ['max_turns too big', { prompt: 'x', max_turns: 100_000 }, /max_turns must be at most 1000/],
    ['model blank', { prompt: 'x', model: '  ' }, /model must not contain whitespace/],
    ['model empty', { prompt: 'x', model: '' }, /model must not be empty/],
    ['model with surrounding spaces (not trimmed)', { prompt: 'x', model: ' claude-x ' }, /model must not contain whitespace/],
  ];
  it.each(table)('%s', (_name, body, message) => {
    let error: unknown;
    try {
      parse(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).status).toBe(400);
    expect((error as PayloadError).message).toMatch(message);
  });

  it('lists every issue in details and the valid tools for unknown ones', () => {
    try {
      parse({ prompt: 5, max_turns: 0 });
      expect.unreachable();
    } catch (error) {
      expect((error as PayloadError).details).toEqual({ issues: [{ field: 'prompt', message: 'must be a string' }, { field: 'max_turns', message: 'must be at least 1' }] });
    }
    try {
      parse({ prompt: 'x', allowed_tools: 'AskFollowup' });
      expect.unreachable();
    } catch (error) {
      const details = (error as PayloadError).details as { unknown_tools: string[]; valid_tools: string[] };
      expect(details.unknown_tools).toEqual(['AskFollowup']);
      expect(details.valid_tools).toContain('Grep');
      expect(details.valid_tools).toContain('mcp__<server>__<tool>');
    }
  });
});

describe('isValidToolName', () => {
  it.each([
    ['Bash', true], ['TodoWrite', true], ['NotebookEdit', true], ['Task', true], ['WebSearch', true],
    ['Bash(git:*)', true], ['mcp__srv__tool', true], ['mcp__srv', true],
    ['Replace', false], ['List', false], ['bash', false], ['mcp__', false], ['Bash(', false], ['', false],
  ])('%s → %s', (name, valid) => {
    expect(isValidToolName(name)).toBe(valid);
  });
});
