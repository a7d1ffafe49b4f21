import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  baseRefProblem, hasLoneSurrogate, MAX_MODEL_CHARS, MAX_REF_CHARS, modelIdProblem, refNameProblem, repoUrlProblem, textProblem,
} from '../../packages/protocol/src/grammar.js';
import { MAX_TOOL_ENTRY_CHARS, toolEntryProblem } from '../../packages/protocol/src/tools.js';
import { prng } from '../support/hostile.js';


// Outside any repository, so `--branch` cannot expand @{-N} against a real HEAD.
const outside = mkdtempSync(join(tmpdir(), 'ref-format-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

/** The real `git check-ref-format --branch <name>`: true when git accepts the branch name. */
function gitAcceptsBranch(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { cwd: outside, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HANDPICKED_REFS = [
  'main', 'dev', 'feature/x', 'release/1.2.3', 'a-b_c', 'refs/heads/x', 'v1.0', 'é', 'ünï/cödé', 'x@', '@x', 'a/@/b',
  'HEAD', '-x', '--upload-pack=touch /tmp/x', '-c', '.a', 'a/.b', 'a..b', 'a.lock', 'a/b.lock/c', 'a.lock/b', 'a/', '/a',
  'a//b', 'a.', 'a/.', '@{-1}', 'a@{b', 'a b', 'a\tb', 'a\nb', 'a\u007fb', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b',
  '$(touch x)', '`touch x`', ';touch x', 'a;b', 'a|b', 'a&b', 'a$b', '{a}', 'a{b}', 'a}', '.lock', 'lock', 'a.lck', 'x/HEAD',
  'HEAD/x', 'x.', '..', '.', '/', 'a/..', 'a/b/', 'a.b.c', 'a-', 'a_', 'a=b', 'a,b', "a'b", 'a"b', 'a<b', 'a>b', 'a#b', 'a%b', 'a!b',
];

describe('refNameProblem agrees with git check-ref-format --branch', () => {
  const seed = 0x5eed1;
  const random = prng(seed);
  const alphabet = ['a', 'b', 'Z', '0', '.', '/', '-', '_', '@', '{', '}', '~', '^', ':', '?', '*', '[', ']', '\\', ' ', '\t', '\u007f', 'é', '.lock', 'HEAD', '..', '//', '$', '(', ')', ';', '`', '!', '#', '+', '='];
  const generated = Array.from({ length: 300 }, () => {
    const length = 1 + Math.floor(random() * 6);
    return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  });

  it(`(${HANDPICKED_REFS.length} hand-picked + 300 generated names, seed ${seed})`, () => {
    const disagreements: string[] = [];
    for (const name of [...HANDPICKED_REFS, ...generated]) {
      const ours = refNameProblem(name) === undefined;
      // Documented difference: `git check-ref-format --branch @` expands `@` to HEAD; `@` is never a branch name here.
      const git = name === '@' ? false : gitAcceptsBranch(name);
      if (ours !== git) disagreements.push(`${JSON.stringify(name)}: ours ${ours ? 'accepts' : 'refuses'}, git ${git ? 'accepts' : 'refuses'}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('refuses `@` (git --branch expands it) and what git cannot be given on argv (NUL), too-long names, lone surrogates', () => {
    expect(refNameProblem('@')).toMatch(/not "@"/);
    expect(refNameProblem('a\u0000b')).toBe('must not contain NUL');
    expect(refNameProblem('x'.repeat(MAX_REF_CHARS))).toBeUndefined();
    expect(refNameProblem('x'.repeat(MAX_REF_CHARS + 1))).toBe(`must be at most ${MAX_REF_CHARS} characters`);
    expect(refNameProblem('a\ud800')).toBe('must not contain unpaired UTF-16 surrogates');
    expect(refNameProblem('-x')).toMatch(/must not start with "-"/);
    expect(refNameProblem('')).toBe('must not be empty');
  });

  it.each([
    ['a..b', /no "\.\."/], ['a.lock', /\.lock/], ['.a', /start with "\."/], ['a//b', /"\/\/"/], ['a.', /end with "\."/],
    ['a@{b', /"@\{"/], ['a b', /no space/], ['a\nb', /control characters/], ['HEAD', /not "HEAD"/],
  ])('%j names the rule', (name, rule) => expect(refNameProblem(name)).toMatch(rule));
});

describe('baseRefProblem', () => {
  it.each([
    ['main', true], ['v1.2', true], ['abcd', true], ['0123abcd', true], ['a'.repeat(40), true], ['f'.repeat(64), true],
    ['deadbeef'.repeat(8) + 'a', true], // 65 hex digits: not a SHA, but a valid ref name
    ['-1234', false], ['--upload-pack=env >/tmp/pwn;git-upload-pack', false], ['HEAD~1', false], ['main^{commit}', false], ['a..b', false],
  ])('%j → accepted %s', (base, accepted) => expect(baseRefProblem(base) === undefined).toBe(accepted));
  it('says a SHA is also accepted', () => expect(baseRefProblem('a b')).toMatch(/or give a commit SHA \(4–64 hex digits\)/));
});

describe('modelIdProblem', () => {
  it.each([
    'sonnet', 'opus', 'haiku', 'default', 'opusplan', 'best', 'sonnet[1m]', 'opus[1m]',
    'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929[1m]', 'claude-3-5-haiku-latest', 'claude-opus-4-1',
    'anthropic.claude-3-5-sonnet-20240620-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
    'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-v2',
    'arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:provisioned-model/abc123def456',
  ])('accepts %s', (model) => expect(modelIdProblem(model)).toBeUndefined());

  it.each([
    ['', /must not be empty/], ['-c', /must not start with "-"/], ['--output=/tmp/x', /must not start with "-"/],
    ['-oProxyCommand=touch x', /must not start with "-"/], ['sonnet\n--foo', /control characters/], ['sonnet\n', /control characters/],
    ['sonnet\u0000', /NUL/], ['sonnet\ud800', /surrogates/], [' sonnet', /whitespace/], ['sonnet opus', /whitespace/], ['son\u00a0net', /whitespace/],
    ['$(touch x)', /whitespace/], ['$(touch${IFS}x)', /is not a model id/], ['`touch_x`', /is not a model id/], [';touch_x', /is not a model id/], ['../etc/passwd', /is not a model id/],
    ['.hidden', /is not a model id/], ['sonnet[2m]', /is not a model id/], ['[1m]', /is not a model id/], ['a|b', /is not a model id/],
    ['arn:aws:bedrock:us-east-1:12345:inference-profile/x', /is not a model id/], ['x'.repeat(MAX_MODEL_CHARS + 1), /at most 2048/],
  ])('refuses %j', (model, rule) => expect(modelIdProblem(model)).toMatch(rule));

  // Backtracking-prone shapes at the length limit are refused (the length cap bounds the work; no timed assertion here).
  it('refuses adversarial ids at the length limit', () => {
    const inputs = ['a'.repeat(2047) + '!', `arn:aws:bedrock:us-east-1:123456789012:${'a.'.repeat(1000)}!`, 'a:'.repeat(1000) + '!', `${'a'.repeat(62)}.`.repeat(32) + '!'];
    for (const input of inputs) expect(modelIdProblem(input.slice(0, MAX_MODEL_CHARS))).toMatch(/is not a model id/);
  });
});

describe('repoUrlProblem', () => {
  const https = { allowFileRepos: false };
  const local = { allowFileRepos: true };
  it.each([
    ['https://github.com/o/r.git', https], ['https://gitlab.example.com:8443/group/sub/r', https], ['https://[::1]/r.git', https],
    ['https://10.0.0.1/r.git', https], ['https://xn--bcher-kva.example/r', https], ['file:///srv/repo.git', local], ['file://localhost/srv/r.git', local],
  ])('accepts %s', (url, options) => expect(repoUrlProblem(url, options)).toBeUndefined());

  it.each([
    ['file:///srv/repo.git', https, /file:\/\/ needs AGENT_ALLOW_FILE_REPOS=1/],
    ['file://otherhost/srv/repo.git', local, /with a host/],
    ['http://example.com/r.git', https, /uses http: — only https:\/\/ Git URLs/],
    ['ssh://git@github.com/o/r.git', local, /uses ssh:/],
    ['ext::sh -c touch% /tmp/x', local, /whitespace/],
    ['ext::sh', local, /uses ext:/],
    ['git@github.com:o/r.git', https, /is not a URL/],
    ['https://user:tok@github.com/o/r.git', https, /embeds credentials/],
    ['https://tok@github.com/o/r.git', https, /embeds credentials/],
    ['--upload-pack=touch /tmp/x', local, /must not start with "-"/],
    ['-c', https, /must not start with "-"/],
    ['https://github.com/o/r\n--upload-pack=x', https, /control characters/],
    ['https://github.com/o/r\t', https, /control characters/],
    ['https://github.com/o r', https, /whitespace/],
    ['https://github.com/o/r\u0000', https, /NUL/],
    ['https://github.com/\ud800', https, /surrogates/],
    ['https://-oProxyCommand=touch_x/r', https, /invalid host name/],
    ['https://a_b.example/r', https, /invalid host name/],
    ['https:///r.git', https, /must start with https:\/\/<host>/],
    ['https:\\\\evil.example\\r', https, /backslash/],
    ['HTTPS://github.com/o/r.git', https, /must start with https:\/\/<host>/],
    ['file:/srv/r.git', local, /must start with file:\/\//],
    ['https:', https, /is not a URL/],
    [`https://github.com/${'a'.repeat(2048)}`, https, /at most 2048/],
    ['', https, /must not be empty/],
  ])('refuses %j', (url, options, rule) => expect(repoUrlProblem(url, options)).toMatch(rule));

  it('accepts file:// by default (callers holding a URL the payload already admitted)', () => {
    expect(repoUrlProblem('file:///srv/repo.git')).toBeUndefined();
  });
});

describe('toolEntryProblem', () => {
  it.each(['Bash', 'Read', 'Bash(npm test:*)', 'Bash(git diff:*)', 'Read(./src/**)', 'WebFetch(domain:example.com)', 'Bash(echo (a))', 'mcp__github', 'mcp__github__create_issue'])(
    'accepts %s', (entry) => expect(toolEntryProblem(entry)).toBeUndefined(),
  );
  it.each([
    ['', /empty/], ['-c', /must not start with "-"/], ['--output=/tmp/x', /must not start with "-"/], ['Bash\n--x', /control characters/],
    ['Bash(a\u0000)', /NUL/], ['Bash(\ud800)', /surrogates/], ['Bash(x),Write(y', /not a known tool/], ['Bash(x),Write(y)', /unbalanced/], ['Bash(x))', /unbalanced/],
    ['Shell(ls)', /not a known tool/], ['$(touch x)', /not a known tool/], [`Bash(${'x'.repeat(MAX_TOOL_ENTRY_CHARS)})`, /at most 512/],
  ])('refuses %j', (entry, rule) => expect(toolEntryProblem(entry)).toMatch(rule));
});

describe('textProblem and hasLoneSurrogate', () => {
  it.each([
    ['plain', false], ['😀 pair', false], ['\ud83d', true], ['\ude00', true], ['a\ude00\ud83d', true], ['\ud83d\ude00\ud83d', true],
  ])('%j lone surrogate: %s', (text, lone) => expect(hasLoneSurrogate(text)).toBe(lone));
  it('refuses NUL and lone surrogates in prompts, accepts newlines, tabs and other text', () => {
    expect(textProblem('line 1\n\tline 2 \u001b[31mred\u001b[0m 😀')).toBeUndefined();
    expect(textProblem('a\u0000b')).toBe('must not contain NUL');
    expect(textProblem('a\udfffb')).toBe('must not contain unpaired UTF-16 surrogates');
  });
});
