import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitWorkspace, parseNameStatus, repoUrlProblem, workBranchName } from '../../container/src/git-workspace.js';
import { createRedactor } from '../../container/src/redact.js';
import { createBareRepo, git } from '../support/git-repo.js';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'git-ws-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bare repository with one commit on `main` (README.md, src/app.py). */
function bareRepo(): string {
  return createBareRepo(temp(), { 'README.md': '# demo\n', 'src/app.py': 'print("v1")\n' }, 'demo');
}

describe('repoUrlProblem', () => {
  it.each([
    ['https://github.com/o/r.git', undefined],
    ['file:///srv/repo.git', undefined],
    ['git@github.com:o/r.git', 'is not a URL'],
    ['http://example.com/r.git', 'uses http: — only https:// (or file://) Git URLs are supported'],
    ['https://user:tok@github.com/o/r.git', 'embeds credentials — pass a token through GIT_TOKEN instead'],
  ])('%s', (url, problem) => expect(repoUrlProblem(url)).toBe(problem));
});

describe('workBranchName', () => {
  it.each([
    ['abc-123', 'agentcore/abc-123'],
    ['a b..c~^:?*[\\', 'agentcore/a-b-c'],
    ['..', 'agentcore/session'],
    ['x.lock', 'agentcore/x-lock'],
  ])('%s → %s', (id, branch) => expect(workBranchName(id)).toBe(branch));
});

describe('parseNameStatus', () => {
  it('handles renames and plain entries', () => {
    expect(parseNameStatus('M\0src/a.py\0R100\0old.txt\0new.txt\0A\0b c.md\0')).toEqual([
      { status: 'M', path: 'src/a.py' },
      { status: 'R', path: 'new.txt' },
      { status: 'A', path: 'b c.md' },
    ]);
  });
});

describe('GitWorkspace with a local bare repository', () => {
  it('clones, works on agentcore/<session>, and produces a patch that applies to the base', async () => {
    const bare = bareRepo();
    const workspace = temp();
    const ws = new GitWorkspace(workspace, { allowFileRepos: true, redact: createRedactor({}) });
    const spec = { repo: `file://${bare}` };
    const state = await ws.prepare(spec, 'sess-1');
    expect(state.cloned).toBe(true);
    expect(state.workBranch).toBe('agentcore/sess-1');
    expect(git(workspace, 'branch', '--show-current').trim()).toBe('agentcore/sess-1');

    // What the agent does:
    writeFileSync(join(workspace, 'src', 'app.py'), 'print("v2")\n');
    writeFileSync(join(workspace, 'src', 'test_app.py'), 'def test(): pass\n');
    const result = await ws.finish(state, 'agent: step 1', spec);
    expect(result.pushed).toBe(false);
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.changedFiles).toEqual([
      { status: 'M', path: 'src/app.py' },
      { status: 'A', path: 'src/test_app.py' },
    ]);

    // The patch applies cleanly to a fresh clone of the base.
    const check = temp();
    execFileSync('git', ['clone', '-q', bare, check]);
    writeFileSync(join(check, '..', 'changes.patch'), result.patch);
    git(check, 'am', '-q', join(check, '..', 'changes.patch'));
    expect(readFileSync(join(check, 'src', 'app.py'), 'utf8')).toBe('print("v2")\n');
    expect(readFileSync(join(check, 'src', 'test_app.py'), 'utf8')).toBe('def test(): pass\n');

    // A continuation in the same workspace keeps the base; the patch covers both steps.
    const again = await ws.prepare(spec, 'sess-1');
    expect(again).toEqual({ ...state, cloned: false });
    writeFileSync(join(workspace, 'NOTES.md'), 'step 2\n');
    const second = await ws.finish(again, 'agent: step 2', spec);
    expect(second.changedFiles.map((f) => f.path)).toEqual(['NOTES.md', 'src/app.py', 'src/test_app.py']);

    // Nothing changed → no commit, same patch.
    const third = await ws.finish(again, 'agent: step 3', spec);
    expect(third.commit).toBeUndefined();
    expect(third.patch).toBe(second.patch);
  });

  it('with a token, pushes the work branch to the remote', async () => {
    const bare = bareRepo();
    const workspace = temp();
    const ws = new GitWorkspace(workspace, { allowFileRepos: true, token: 'token-for-push-0123', redact: createRedactor({}) });
    const spec = { repo: `file://${bare}` };
    const state = await ws.prepare(spec, 'sess-push');
    writeFileSync(join(workspace, 'pushed.txt'), 'yes\n');
    const result = await ws.finish(state, 'agent: push me', spec);
    expect(result.pushed).toBe(true);
    expect(git(bare, 'log', '--format=%s', 'agentcore/sess-push').trim().split('\n')[0]).toBe('agent: push me');
  });

  it('reports a missing base clearly', async () => {
    const bare = bareRepo();
    const ws = new GitWorkspace(temp(), { allowFileRepos: true, redact: createRedactor({}) });
    await expect(ws.prepare({ repo: `file://${bare}`, base: 'nope' }, 's')).rejects.toThrow(/base "nope" is not a branch, tag or commit/);
  });

  it('never shows the token in errors', async () => {
    const token = 'ghp_supersecrettoken123';
    const ws = new GitWorkspace(temp(), { allowFileRepos: true, token, redact: createRedactor({ GIT_TOKEN: token }) });
    const error = await ws.prepare({ repo: 'https://127.0.0.1:9/none.git' }, 's').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/git clone/);
    expect((error as Error).message).not.toContain(token);
    expect((error as Error).message).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
  });
});

describe('GitWorkspace against hostile values and workspaces (issue 8)', () => {
  const redact = createRedactor({});

  it.each([
    ['base', { base: '--upload-pack=touch CANARY;git-upload-pack' }],
    ['branch', { branch: '--upload-pack=touch CANARY;git-upload-pack' }],
    ['base as -c option', { base: '-cprotocol.file.allow=always' }],
  ])('%s values never become git options (even past payload validation)', async (_name, refs) => {
    const repo = bareRepo();
    const dir = temp();
    const canary = join(dir, 'CANARY');
    const spec = JSON.parse(JSON.stringify({ repo: `file://${repo}`, ...refs }).replace(/CANARY/g, canary));
    await new GitWorkspace(dir, { allowFileRepos: true, redact }).prepare(spec, 'inject').catch(() => undefined);
    expect(existsSync(canary)).toBe(false);
    expect(existsSync(join(dirname(dir), 'CANARY'))).toBe(false);
  });

  it('works when the workspace root lies inside another Git project (dev run from a repository)', async () => {
    const project = temp();
    git(project, 'init', '-q');
    const dir = join(project, '.agentcore-claude', 'workspace', 'session-1');
    mkdirSync(dir, { recursive: true });
    const ws = new GitWorkspace(dir, { allowFileRepos: true, redact });
    const state = await ws.prepare({ repo: `file://${bareRepo()}` }, 'session-1');
    expect(state.cloned).toBe(true);
    // A continuation finds the workspace's own clone, not the enclosing project.
    const again = await ws.prepare({ repo: `file://${bareRepo()}` }, 'session-1');
    expect(again).toMatchObject({ cloned: false, baseSha: state.baseSha });
  });

  it('a continuation in a workspace that is not a clone (but inside one) clones instead of using the enclosing repository', async () => {
    const project = temp();
    git(project, 'init', '-q');
    const dir = join(project, 'ws');
    mkdirSync(dir);
    const state = await new GitWorkspace(dir, { allowFileRepos: true, redact }).prepare({ repo: `file://${bareRepo()}` }, 's');
    expect(state.cloned).toBe(true);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# demo\n');
  });

  it('the agent\'s repository config cannot run commands as the server: finish runs Git in the workspace with the agent\'s environment only', async () => {
    const dir = temp();
    const ws = new GitWorkspace(dir, { allowFileRepos: true, redact, token: 'ghp_secret_token_value_123' });
    const state = await ws.prepare({ repo: `file://${bareRepo()}` }, 'fsmonitor');
    const proof = join(dir, 'fsmonitor-env.txt');
    // A hostile agent plants a command Git runs on `add`/`status`, dumping the environment it runs with.
    git(dir, 'config', 'core.fsmonitor', `env > ${proof}; false`);
    writeFileSync(join(dir, 'new.txt'), 'x\n');
    process.env.SERVER_ONLY_SECRET = 'server-environment-secret-value';
    try {
      await ws.finish(state, 'work', { repo: `file://${bareRepo()}` }).catch(() => undefined);
    } finally {
      delete process.env.SERVER_ONLY_SECRET;
    }
    // The planted command did run (as the agent would expect) — but with none of the server's environment.
    const seen = readFileSync(proof, 'utf8');
    expect(seen).toMatch(/^PATH=/m);
    expect(seen).not.toContain('server-environment-secret-value');
    expect(seen).not.toContain('ghp_secret_token_value_123');
  });
});
