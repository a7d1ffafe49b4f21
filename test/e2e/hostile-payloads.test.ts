/**
 * Issue 8, "the request payload is untrusted": hostile payloads against the built agent server.
 *
 * 1. A seeded suite of ≥ 1,000 malformed/hostile payloads (wrong types per field, huge arrays,
 *    deep nesting, NUL/control characters/lone surrogates, prototype keys, duplicate keys,
 *    non-UTF-8 bytes, BOMs, numbers out of range, option/shell injection; both payload forms)
 *    against one server with no model access, so a payload that validates fails fast with
 *    `error_no_model_access`. Each payload is built knowing its outcome: refused (400 naming the
 *    field), too large (413), valid (the run reply), or a status request (200). The server must
 *    never answer 5xx to a bad payload, stay alive, and answer `/ping` after.
 *    Seed: HOSTILE_SEED (default below); printed with every failure.
 * 2. The option-injection table: every payload field × option/shell injection values → 400, and
 *    the canary file those values would create never exists. The server has model access (a
 *    scripted model) and AGENT_ALLOW_FILE_REPOS=1 with a real file:// repository, so a value that
 *    got through would reach git and Claude Code for real.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../src/engine/local-server.js';
import { startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { createBareRepo } from '../support/git-repo.js';
import { postInvocation } from '../support/invocations.js';
import { freePort } from '../support/ports.js';
import { startScriptedModel, textTurn, type ScriptedModel } from '../support/scripted-model.js';
import { prng } from '../support/hostile.js';

const SEED = Number(process.env.HOSTILE_SEED ?? 0x8badf00d) >>> 0;
const PAYLOADS = 1400;


type Expect =
  | { kind: 'refused'; field: string }
  | { kind: 'too-large' }
  | { kind: 'valid'; async: boolean }
  | { kind: 'status' };

interface Hostile {
  name: string;
  body: string | Buffer;
  expect: Expect;
}

const HTTPS_REPO = 'https://github.com/example/repo.git';

/** Values that must never reach a command line (C: a path a successful injection would create). */
function injections(c: string): string[] {
  return [
    `--upload-pack=touch ${c}`, '-c', `--output=${c}`, `-oProxyCommand=touch ${c}`, `$(touch ${c})`, `\`touch ${c}\``,
    `;touch ${c}`, `main\n--upload-pack=touch ${c}`, `--upload-pack=env >${c};git-upload-pack`, `| touch ${c}`, `&& touch ${c}`,
    `--config=core.fsmonitor=touch ${c}`, `x\r\n-c`, `\u0000--output=${c}`,
  ];
}

function generate(seed: number, count: number): Hostile[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => random() < p;
  const deep = (depth: number, open = '[', close = ']', inner = '0') => open.repeat(depth) + inner + close.repeat(depth);

  const WRONG_TYPES: string[] = ['null', 'true', 'false', '0', '-1', '1e308', '-0', '1.5', '[]', '{}', '[[[]]]', '{"a":{"b":{}}}', '[1,"x",null]', '123456789012345678901234567890'];
  const CONTROL_STRINGS = ['a\u0000b', '\u0000', 'a\u0001b', 'a\u001bb', 'a\u007fb', 'a\nb', 'a\rb', 'a\tb', '\ud800', 'a\udc00b', 'x\ud83d', '\udfff\ud800'];
  const BAD_REFS = ['-x', 'HEAD', '.a', 'a/.b', 'a..b', 'a.lock', 'a/', '/a', 'a//b', 'a.', '@', '@{-1}', 'a@{b', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', '', 'x'.repeat(257)];
  const BAD_MODELS = ['', ' ', ' sonnet', 'sonnet ', 'son net', '../x', '.x', 'sonnet[2m]', '[1m]', 'a|b', 'a;b', 'a&b', 'a>b', 'a"b', 'x'.repeat(2049)];
  const BAD_REPOS = ['http://github.com/o/r.git', 'ssh://git@github.com/o/r.git', 'git@github.com:o/r.git', 'file:///tmp/r', 'file://host/r', 'https://u:p@github.com/o/r', 'https://t@github.com/o/r',
    'ext::sh -c touch% /tmp/x', 'https:///r', 'https:\\\\github.com\\r', 'HTTPS://github.com/o/r', 'https://-x/r', 'https://a_b/r', 'ftp://x/r', 'javascript:alert(1)', 'https:', '', 'https://github.com/' + 'a'.repeat(2048)];
  const BAD_TOOL_ENTRIES = ['-c', '--output=/tmp/x', 'Replace', 'bash', 'Bash(x),Write(y)', 'Bash(', 'Bash(x))', 'Shell(ls)', 'mcp__', '', 'Bash(\u0000)', 'Bash(\ud800)', 'Bash\nRead', 'x'.repeat(513)];
  const VALID_MODELS = ['sonnet', 'opus', 'haiku', 'opusplan', 'sonnet[1m]', 'claude-sonnet-4-5-20250929', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6'];
  const VALID_TOOLS: unknown[] = [['Bash', 'Read'], 'Bash, Read ,Write,', ['Bash(npm test:*)', 'mcp__github__create_issue'], 'Read(./src/**)', []];

  /** A valid payload with random optional fields. */
  function validFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = { prompt: pick(['p', 'do the thing', 'ünïcödé 😀', '-c', '--output=/tmp/x', '$(touch x)', 'line\nline\ttab']) };
    if (chance(0.3)) fields.permission_mode = pick(['default', 'acceptEdits', 'bypassPermissions', 'plan', 'dontAsk', 'acceptAll', 'manual']);
    if (chance(0.3)) fields.allowed_tools = pick(VALID_TOOLS);
    if (chance(0.3)) fields.max_turns = 1 + int(1000);
    if (chance(0.3)) fields.model = pick(VALID_MODELS);
    if (chance(0.2)) {
      fields.repo = HTTPS_REPO;
      if (chance(0.5)) fields.branch = pick(['main', 'feature/x', 'release/1.2', 'ünï']);
      if (chance(0.5)) fields.base = pick(['main', 'v1.0', 'a1b2c3d', 'f'.repeat(40)]);
    }
    return fields;
  }

  /** A bad value for `field` (JSON text, so numbers like 1e400 and duplicate keys are possible). */
  function badValue(field: string, c: string): string {
    const json = (v: unknown) => JSON.stringify(v);
    const typed = chance(0.25) ? pick(WRONG_TYPES) : undefined;
    switch (field) {
      case 'prompt':
        return typed && typed !== '"x"' ? typed : json(pick(['', '   \n\t', ...CONTROL_STRINGS.filter((s) => s.includes('\u0000') || /[\ud800-\udfff]/.test(s)), 'x'.repeat(200_001)]));
      case 'permission_mode':
        return typed ?? json(pick(['auto', 'PLAN', 'plan\n', '', 'acceptedits', '__proto__', 'constructor', ...injections(c)]));
      case 'allowed_tools': {
        if (typed && typed !== '[]') return typed;
        const mode = int(5);
        if (mode === 0) return json(Array.from({ length: pick([129, 500, 5000]) }, () => 'Bash'));
        // As one string the entries are comma-separated: `Bash(x),Write(y)` would be two valid entries.
        if (mode === 1) return json(pick([...BAD_TOOL_ENTRIES.filter((e) => e && !e.includes(',')), ...injections(c)]));
        if (mode === 2) return json(['Read', pick([1, null, true, {}, [], ['Bash']])]);
        return json(['Read', pick([...BAD_TOOL_ENTRIES.filter(Boolean), ...injections(c)]), 'Bash']);
      }
      case 'max_turns':
        return pick(['0', '-1', '1001', '1.5', '1e308', '-1e308', '1e400', '-1e400', '9007199254740993', '"5"', 'null', 'true', '[]', '{}', '"1e3"', '1000.5', '-0']);
      case 'model':
        return typed ?? json(pick([...BAD_MODELS, ...CONTROL_STRINGS, ...injections(c)]));
      case 'async':
        return pick(['"true"', '1', '0', 'null', '"yes"', '[]', '{}', '"false"']);
      case 'repo':
        return typed ?? json(pick([...BAD_REPOS, ...injections(c), ...CONTROL_STRINGS.map((s) => `https://github.com/${s}`)]));
      default: // branch, base
        return typed ?? json(pick([...BAD_REFS.filter((r) => !(field === 'base' && /^[0-9a-f]{4,64}$/i.test(r))), ...CONTROL_STRINGS, ...injections(c)]));
    }
  }

  /** `fields` as JSON text with `field` set to the raw JSON `value`; flat or `{"input":…}`. */
  function objectText(fields: Record<string, unknown>, extra: string[], wrap: boolean): string {
    const members = [...Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), ...extra];
    const text = `{${members.join(',')}}`;
    return wrap ? `{"input":${text}}` : text;
  }

  const out: Hostile[] = [];
  const fieldNames = ['prompt', 'permission_mode', 'allowed_tools', 'max_turns', 'model', 'async', 'repo', 'branch', 'base'];
  for (let i = 0; i < count; i += 1) {
    const wrap = chance(0.5);
    const form = wrap ? 'input' : 'flat';
    const c = `/tmp/hostile-canary-${seed}-${i}`;
    const kind = int(100);
    if (kind < 55) {
      // One field wrong, the rest valid (both forms).
      const field = pick(fieldNames);
      const fields = validFields();
      if (field === 'branch' || field === 'base') fields.repo = HTTPS_REPO;
      delete fields[field];
      const value = badValue(field, c);
      const extra = field === 'prompt' && chance(0.1) ? [] : [`${JSON.stringify(field)}:${value}`];
      if (chance(0.2)) extra.push(pick(['"__proto__":{"prompt":"x","model":"-c"}', '"constructor":{"prototype":{"polluted":true}}', '"toString":1', '"hasOwnProperty":"x"', '"valueOf":null']));
      out.push({ name: `${form} ${field}=${value.slice(0, 80)}`, body: objectText(fields, extra, wrap), expect: { kind: 'refused', field } });
    } else if (kind < 62) {
      // Duplicate keys: the last one wins (JSON.parse), and it is bad.
      const field = pick(['model', 'branch', 'max_turns', 'async', 'permission_mode']);
      const fields = validFields();
      if (field === 'branch') fields.repo = HTTPS_REPO;
      delete fields[field];
      const good = { model: '"sonnet"', branch: '"main"', max_turns: '5', async: 'false', permission_mode: '"plan"' }[field] as string;
      out.push({ name: `${form} duplicate ${field}`, body: objectText(fields, [`${JSON.stringify(field)}:${good}`, `${JSON.stringify(field)}:${badValue(field, c)}`], wrap), expect: { kind: 'refused', field } });
    } else if (kind < 70) {
      // Not a JSON object at all / broken JSON / BOMs / other encodings.
      const valid = JSON.stringify({ prompt: 'x' });
      const options: Array<[string, string | Buffer, string]> = [
        ['empty body', '', '(payload)'], ['null', 'null', '(payload)'], ['number', '1', '(payload)'], ['string', '"s"', '(payload)'], ['array', '[{"prompt":"x"}]', '(payload)'],
        ['truncated', valid.slice(0, 1 + int(valid.length - 1)), '(payload)'], ['trailing garbage', `${valid}x`, '(payload)'], ['NaN', '{"prompt":"x","max_turns":NaN}', '(payload)'],
        ['single quotes', "{'prompt':'x'}", '(payload)'], ['comment', '{"prompt":"x"/*c*/}', '(payload)'], ['UTF-8 BOM', `\ufeff${valid}`, '(payload)'],
        ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), '(payload)'],
        ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(valid, 'utf16le').swap16()]), '(payload)'],
        ['random bytes', Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256))), '(payload)'],
        ['deep array', deep(1000 + int(200_000)), '(payload)'], ['deep object', deep(1000 + int(50_000), '{"a":', '}', '1'), 'prompt'],
        ['input string', '{"input":"x"}', 'input'], ['input array', '{"input":[]}', 'input'], ['input null', '{"input":null}', 'input'], ['input number', '{"input":5}', 'input'],
        ['unknown action', `{"action":${pick(['"delete"', '5', '{}', '[]', 'null', 'true', '"STATUS"', '"status\\u0000"'])}}`, 'action'],
      ];
      const [label, body, field] = pick(options);
      // A deep object nests under "a": no prompt → the prompt is what is missing.
      out.push({ name: `${label}`, body, expect: field === '(payload)' && label === 'random bytes' ? { kind: 'refused', field: '*' } : { kind: 'refused', field } });
    } else if (kind < 76) {
      // Deep nesting or huge arrays inside a field.
      const field = pick(['prompt', 'model', 'allowed_tools', 'repo', 'max_turns']);
      const value = chance(0.5) ? deep(1000 + int(100_000)) : deep(1000 + int(30_000), '{"x":', '}', '0');
      const fields = validFields();
      delete fields[field];
      out.push({ name: `${form} deep ${field}`, body: objectText(fields, [`${JSON.stringify(field)}:${value}`], wrap), expect: { kind: 'refused', field } });
    } else if (kind < 82) {
      // Non-UTF-8 bytes inside a string: decoded as U+FFFD — text like any other in a prompt, a
      // branch name or a URL path (git accepts non-ASCII names), refused in a model id (ASCII grammar).
      const field = pick(['prompt', 'model', 'branch', 'repo']);
      const bad = pick([[0xff], [0xc0, 0xaf], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
      const fields = validFields();
      if (field === 'branch') fields.repo = HTTPS_REPO;
      delete fields[field];
      delete fields.async;
      const valueStart = { prompt: '"abc', model: '"son', branch: '"ma', repo: '"https://github.com/o/r' }[field] as string;
      const head = objectText(fields, [], false).slice(0, -1);
      const body = Buffer.concat([Buffer.from(`${head}${head.length > 1 ? ',' : ''}${JSON.stringify(field)}:${valueStart}`), Buffer.from(bad), Buffer.from('x"}')]);
      out.push({ name: `non-UTF-8 ${bad.map((b) => b.toString(16)).join(' ')} in ${field}`, body, expect: field === 'model' ? { kind: 'refused', field } : { kind: 'valid', async: false } });
    } else if (kind < 86) {
      // branch/base without repo; injection into both at once.
      const field = pick(['branch', 'base']);
      out.push({ name: `${form} ${field} without repo`, body: objectText({ prompt: 'x', [field]: 'main' }, [], wrap), expect: { kind: 'refused', field } });
    } else if (kind < 88) {
      // Larger than the body limit (1 MiB by default).
      out.push({ name: 'over the body limit', body: JSON.stringify({ prompt: 'x', pad: 'y'.repeat(1024 * 1024) }), expect: { kind: 'too-large' } });
    } else if (kind < 90) {
      out.push({ name: `${form} status`, body: objectText({ action: 'status' }, chance(0.5) ? ['"prompt":5', '"model":"-c"'] : [], wrap), expect: { kind: 'status' } });
    } else {
      // Valid payloads, some with ignored hostile extras (prototype keys, deep unknown fields).
      const fields = validFields();
      const isAsync = chance(0.2);
      if (isAsync) fields.async = true;
      const extra = chance(0.5) ? [pick(['"__proto__":{"model":"-c","polluted":true}', '"constructor":{"prototype":{"polluted":true}}', `"deep":${deep(5000)}`, '"prompt2":"\\u0000"', '"x":"\\ud800"'])] : [];
      out.push({ name: `${form} valid${extra.length ? ` + ${extra[0]?.slice(0, 40)}` : ''}`, body: objectText(fields, extra, wrap), expect: { kind: 'valid', async: isAsync } });
    }
  }
  return out;
}

describe(`${PAYLOADS} seeded hostile payloads against one agent server (seed ${SEED}; set HOSTILE_SEED to replay)`, () => {
  let server: RunningAgentServer;
  beforeAll(async () => {
    // No model access: a payload that validates fails fast with error_no_model_access.
    // Payloads go several at a time: valid ones must not meet the session limit (429) instead of their answer.
    server = await startAgentServer({ MAX_CONCURRENT_SESSIONS: '1000' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses every bad payload with a 4xx naming the field, never a 5xx, and stays up', async () => {
    const payloads = generate(SEED, PAYLOADS);
    const failures: string[] = [];
    const tally = { refused: 0, tooLarge: 0, valid: 0, status: 0, fiveXX: 0, fiveXXForBadPayloads: 0 };
    const check = async (index: number, payload: Hostile) => {
      let response: Response;
      try {
        response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof payload.body === 'string' ? payload.body : new Uint8Array(payload.body) });
      } catch (error) {
        // The server answers an oversized body with 413 and closes the connection without reading
        // the rest (by design: no draining). A client still writing may see the reset before the 413.
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (payload.expect.kind === 'too-large' && (code === 'ECONNRESET' || code === 'EPIPE')) {
          tally.tooLarge += 1;
          return;
        }
        throw error;
      }
      const text = await response.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const fail = (why: string) => failures.push(`seed ${SEED} #${index} ${payload.name}: ${why} (HTTP ${response.status} ${text.slice(0, 300)})`);
      if (response.status >= 500) tally.fiveXX += 1;
      const expected = payload.expect;
      if (expected.kind !== 'valid' && response.status >= 500) tally.fiveXXForBadPayloads += 1;
      if (body === undefined) return fail('reply is not JSON');
      switch (expected.kind) {
        case 'refused': {
          tally.refused += 1;
          if (response.status !== 400) return fail('expected 400');
          const issues = body.details?.issues;
          if (!Array.isArray(issues) || issues.length === 0) return fail('no details.issues');
          if (!issues.every((i: any) => typeof i.field === 'string' && typeof i.message === 'string' && i.message.length > 0)) return fail('malformed issue');
          if (expected.field !== '*' && !issues.some((i: any) => i.field === expected.field || i.field.startsWith(`${expected.field}.`))) {
            return fail(`no issue names ${expected.field}`);
          }
          return;
        }
        case 'too-large':
          tally.tooLarge += 1;
          if (response.status !== 413) fail('expected 413');
          return;
        case 'status':
          tally.status += 1;
          if (response.status !== 200 || body.status !== 'unknown') fail('expected the status reply');
          return;
        case 'valid':
          tally.valid += 1;
          if (expected.async) {
            if (response.status !== 202 || body.status !== 'running') fail('expected 202 running');
          } else if (body.subtype !== 'error_no_model_access') {
            fail('expected the run to fail for lack of model access (the payload is valid)');
          }
      }
    };
    // Four requests in flight: enough to overlap parsing and I/O, small for a shared 2-core machine.
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < payloads.length) {
        const index = next++;
        await check(index, payloads[index] as Hostile);
      }
    }));
    const ping = await fetch(`${server.url}/ping`);
    console.log(`hostile payloads: ${payloads.length} tried (seed ${SEED}): ${JSON.stringify(tally)}`);
    expect(failures.slice(0, 30)).toEqual([]);
    expect(tally.fiveXXForBadPayloads).toBe(0);
    expect(tally.refused + tally.tooLarge).toBeGreaterThanOrEqual(1000);
    expect(ping.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    // Nothing reached a shell: no canary of any injected value exists.
    expect(readdirSync('/tmp').filter((name) => name.startsWith(`hostile-canary-${SEED}-`))).toEqual([]);
  }, 300_000);
});

describe('option-injection table: every payload field × injection value → 400, no canary', () => {
  let model: ScriptedModel;
  let server: RunningAgentServer;
  let dir: string;
  let fileRepo: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'injection-'));
    fileRepo = `file://${createBareRepo(dir, { 'README.md': '# r\n' })}`;
    model = await startScriptedModel([textTurn('Done.')]);
    // Model access and file:// repositories: a value that got through would reach git and Claude Code for real.
    server = await startAgentServer({ ...model.anthropicEnv(), AGENT_ALLOW_FILE_REPOS: '1', CLAUDE_CODE_MAX_RETRIES: '0' });
  });
  afterAll(async () => {
    await server?.stop();
    await model?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const FIELDS = ['model', 'allowed_tools', 'allowed_tools[]', 'repo', 'branch', 'base', 'permission_mode', 'max_turns', 'async', 'action'] as const;
  const rows = FIELDS.flatMap((field) => injections('<canary>').map((value, index) => [field, index, value] as const));

  it.each(rows)('%s #%i %j', async (field, index, template) => {
    const canary = join(dir, `canary-${field}-${index}`);
    const value = template.replaceAll('<canary>', canary);
    const payload: Record<string, unknown> = { prompt: 'say done' };
    if (field === 'branch' || field === 'base') payload.repo = fileRepo;
    if (field === 'allowed_tools[]') payload.allowed_tools = ['Read', value];
    else payload[field] = value;
    const reply = await postInvocation(server.url, payload);
    // The reply comes after git and Claude Code ran (not async), so the canary is checked without waiting.
    expect({ status: reply.status, canaryCreated: existsSync(canary) }, JSON.stringify(reply.body).slice(0, 500)).toEqual({ status: 400, canaryCreated: false });
    const name = field === 'allowed_tools[]' ? 'allowed_tools' : field;
    expect(reply.body.details.issues.map((i: { field: string }) => i.field.replace(/\.\d+$/, ''))).toContain(name);
  });

  it('the file:// repository itself is accepted here (so the rows above reached the grammar, not a missing repository)', async () => {
    const reply = await postInvocation(server.url, { prompt: 'say done', repo: fileRepo, branch: 'main' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.result).toContain('Done.');
  });

  it('a prompt is text, never an option: injection values in the prompt run as a prompt and create no canary', async () => {
    const canary = join(dir, 'canary-prompt');
    const prompt = injections(canary).filter((v) => !v.includes('\u0000')).join('\n');
    const reply = await postInvocation(server.url, { prompt, repo: fileRepo });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(model.requests.some((r) => JSON.stringify(r.messages).includes(`--upload-pack=touch ${canary}`))).toBe(true);
    expect(existsSync(canary)).toBe(false);
  });
});

describe('local development (startLocalServer: agentcore-claude dev and invoke --local) enables file:// repositories', () => {
  it('the server it starts accepts a file:// repository; a server started without AGENT_ALLOW_FILE_REPOS=1 refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-file-repo-'));
    const local = await startLocalServer({ port: await freePort(), host: '127.0.0.1', workspaceRoot: join(dir, 'ws'), env: { PATH: process.env.PATH ?? '', HOME: join(dir, 'home') }, stdio: 'capture' });
    const plain = await startAgentServer({});
    try {
      const payload = { prompt: 'x', repo: `file://${join(dir, 'repo.git')}` };
      // No model access: a payload that validates fails fast with error_no_model_access (before any clone).
      const accepted = await postInvocation(local.url, payload);
      expect(accepted.body.subtype, JSON.stringify(accepted.body)).toBe('error_no_model_access');
      const refused = await postInvocation(plain.url, payload);
      expect(refused.status).toBe(400);
      expect(refused.body.details.issues).toEqual([{ field: 'repo', message: expect.stringContaining('AGENT_ALLOW_FILE_REPOS=1') }]);
    } finally {
      await local.stop();
      await plain.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
