import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TURNS, fileReposAllowed, MAX_PROMPT_CHARS, parseInvocationPayload, PayloadError } from '../../container/src/payload.js';
import { DEFAULT_ALLOWED_TOOLS, isValidToolName } from '../../packages/protocol/src/tools.js';

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

describe('parseInvocationPayload: strict grammars (issue 8: no payload field reaches a shell or an option)', () => {
  const https = { allowFileRepos: false };
  /** The PayloadError a body raises (fails when it parses). */
  function refusal(body: unknown, options = https): PayloadError {
    try {
      parseInvocationPayload(typeof body === 'string' ? body : JSON.stringify(body), options);
    } catch (error) {
      expect(error).toBeInstanceOf(PayloadError);
      return error as PayloadError;
    }
    throw new Error(`accepted ${JSON.stringify(body)}`);
  }
  const issues = (error: PayloadError) => (error.details as { issues: Array<{ field: string; message: string }> }).issues;
  const repo = 'https://github.com/o/r.git';

  const injections: Array<[string, Record<string, unknown>, RegExp]> = [
    ['base', { prompt: 'x', repo, base: '--upload-pack=env >/tmp/pwn;git-upload-pack' }, /must not start with "-"/],
    ['branch', { prompt: 'x', repo, branch: '-c' }, /must not start with "-"/],
    ['branch', { prompt: 'x', repo, branch: 'a..b' }, /no "\.\."/],
    ['branch', { prompt: 'x', repo, branch: 'main\n--x' }, /control characters/],
    ['base', { prompt: 'x', repo, base: 'main lock' }, /no space/],
    ['model', { prompt: 'x', model: '--output=/tmp/x' }, /must not start with "-"/],
    ['model', { prompt: 'x', model: 'sonnet\u0000' }, /NUL/],
    ['model', { prompt: 'x', model: '$(touch_x)' }, /is not a model id/],
    ['repo', { prompt: 'x', repo: '-oProxyCommand=touch x' }, /must not start with "-"/],
    ['repo', { prompt: 'x', repo: 'file:///tmp/r' }, /AGENT_ALLOW_FILE_REPOS=1/],
    ['repo', { prompt: 'x', repo: 'ext::sh -c touch% /tmp/x' }, /whitespace/],
    ['prompt', { prompt: 'a\u0000b' }, /must not contain NUL/],
    ['prompt', { prompt: 'a\ud800b' }, /unpaired UTF-16 surrogates/],
    ['allowed_tools.1', { prompt: 'x', allowed_tools: ['Bash', '--output=/tmp/x'] }, /must not start with "-"/],
    ['allowed_tools.0', { prompt: 'x', allowed_tools: ['Bash(x),Write(y)'] }, /unbalanced/],
    ['allowed_tools.0', { prompt: 'x', allowed_tools: 'Bash(\u001b)' }, /control characters/],
    ['allowed_tools', { prompt: 'x', allowed_tools: Array.from({ length: 129 }, () => 'Bash') }, /at most 128 entries/],
    ['allowed_tools', { prompt: 'x', allowed_tools: Array.from({ length: 100_000 }, () => 'Bash') }, /at most 128 entries/],
    ['max_turns', { prompt: 'x', max_turns: '5' }, /must be an integer/],
    ['async', { prompt: 'x', async: 1 }, /must be true or false/],
    ['permission_mode', { prompt: 'x', permission_mode: ['plan'] }, /must be a string/],
  ];
  it.each(injections.map(([field, body, rule]) => [field, JSON.stringify(body).slice(0, 120), body, rule] as const))('%s: %s', (field, _title, body, rule) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(issues(error)).toContainEqual({ field, message: expect.stringMatching(rule) });
  });

  it('accepts file:// repositories only when allowed (explicitly or by AGENT_ALLOW_FILE_REPOS=1)', () => {
    const body = JSON.stringify({ prompt: 'x', repo: 'file:///srv/r.git', branch: 'main', base: 'a1b2c3d' });
    expect(parseInvocationPayload(body, { allowFileRepos: true })).toMatchObject({ repo: { repo: 'file:///srv/r.git', branch: 'main', base: 'a1b2c3d' } });
    const saved = process.env.AGENT_ALLOW_FILE_REPOS;
    try {
      process.env.AGENT_ALLOW_FILE_REPOS = '1';
      expect(fileReposAllowed()).toBe(true);
      expect(parseInvocationPayload(body)).toMatchObject({ action: 'invoke' });
      process.env.AGENT_ALLOW_FILE_REPOS = 'true';
      expect(() => parseInvocationPayload(body)).toThrow(/AGENT_ALLOW_FILE_REPOS=1/);
      delete process.env.AGENT_ALLOW_FILE_REPOS;
      expect(() => parseInvocationPayload(body)).toThrow(/AGENT_ALLOW_FILE_REPOS=1/);
    } finally {
      if (saved === undefined) delete process.env.AGENT_ALLOW_FILE_REPOS;
      else process.env.AGENT_ALLOW_FILE_REPOS = saved;
    }
  });

  it('keeps permission rules, MCP tools, model aliases and Bedrock profiles working', () => {
    expect(parse({ prompt: 'x', allowed_tools: ['Bash(npm test:*)', 'Read(./src/**)', 'mcp__github__create_issue'], model: 'sonnet[1m]' }))
      .toMatchObject({ allowedTools: ['Bash(npm test:*)', 'Read(./src/**)', 'mcp__github__create_issue'], model: 'sonnet[1m]' });
    expect(parse({ prompt: 'x', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' }).model).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(parse({ prompt: 'x', allowed_tools: Array.from({ length: 128 }, () => 'Read') }).allowedTools).toHaveLength(128);
  });

  it('lists at most 20 issues, however many entries are wrong', () => {
    expect(issues(refusal({ prompt: 'x', allowed_tools: Array.from({ length: 128 }, () => 7) }))).toHaveLength(20);
  });

  it.each([
    ['invalid JSON', '{"prompt":', '(payload)'],
    ['a BOM before the JSON', '\ufeff{"prompt":"x"}', '(payload)'],
    ['an array', '[]', '(payload)'],
    ['input not an object', '{"input":"x"}', 'input'],
    ['an unknown action', '{"action":{"x":1}}', 'action'],
    ['an unknown tool', '{"prompt":"x","allowed_tools":"Replace"}', 'allowed_tools'],
    ['branch without repo', '{"prompt":"x","branch":"main"}', 'branch'],
  ])('%s: details.issues names %s', (_name, body, field) => {
    expect(issues(refusal(body)).map((i) => i.field)).toContain(field);
  });

  it('does not read prototype keys as fields (__proto__, constructor)', () => {
    expect(issues(refusal('{"__proto__":{"prompt":"x"}}'))).toEqual([{ field: 'prompt', message: 'is required' }]);
    expect(issues(refusal('{"input":{"__proto__":{"prompt":"x"}}}'))).toEqual([{ field: 'prompt', message: 'is required' }]);
    expect(parse('{"prompt":"x","constructor":{"prototype":{"polluted":1}},"__proto__":{"polluted":1}}')).toMatchObject({ prompt: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
