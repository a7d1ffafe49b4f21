/**
 * Repository workspaces: the agent works on a clone of a Git repository, on its own branch
 * `agentcore/<session>`, and each invocation ends with a patch of everything it changed against
 * the base (`changes.patch`, `git format-patch` output that `git am` applies) and a summary.
 *
 * The token (`GIT_TOKEN`, or a Secrets Manager secret resolved at start-up) is passed to git
 * only as an HTTP header, through the environment of the server-run commands that need it: it
 * never enters an argv, the remote URL, `.git/config`, the patch, or error messages (redacted).
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { giveToAgent, type AgentIdentity } from './agent-user.js';
import { repoUrlProblem } from './vendor/protocol/grammar.js';
import type { RepoSpec } from './vendor/protocol/payload.js';
import { fileReposAllowed } from './payload.js';
import type { Redactor } from './redact.js';

export type { RepoSpec } from './vendor/protocol/payload.js';

export interface RepoState {
  /** The work branch, `agentcore/<session>`. */
  workBranch: string;
  /** Commit SHA the patch is made against. */
  baseSha: string;
  /** True when this call cloned; false when the workspace already held the clone (continuation). */
  cloned: boolean;
}

export interface ChangedFile {
  /** `git diff --name-status` letter: A added, M modified, D deleted, R renamed, … */
  status: string;
  path: string;
}

export interface RepoResult {
  /** `git format-patch --stdout <base>..HEAD`: empty when nothing changed. */
  patch: string;
  changedFiles: ChangedFile[];
  /** Commit made for this invocation's changes, if any. */
  commit?: string;
  /** True when the work branch was pushed (only with a token). */
  pushed: boolean;
}

/** Config key under which the base SHA is kept in the clone's `.git/config`. */
const BASE_KEY = 'agentcore.base';
const AUTHOR = ['-c', 'user.name=agentcore-claude', '-c', 'user.email=agent@agentcore-claude.invalid'];
/** A full commit id (SHA-1 or SHA-256). */
const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Why a repository URL is refused (moved to grammar.ts, where the payload's grammars live). */
export { repoUrlProblem };

/**
 * The work branch name for a runtime session: `agentcore/<session>` with characters Git refuses
 * in ref names (git-check-ref-format) replaced by `-`.
 */
export function workBranchName(sessionId: string): string {
  const cleaned = sessionId
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.lock$/i, '-lock');
  return `agentcore/${cleaned || 'session'}`;
}

export interface GitWorkspaceOptions {
  token?: string;
  redact: Redactor;
  /** The agent's user (agent-user.ts): Git commands inside the agent's workspace run as it. */
  identity?: AgentIdentity;
  /** Accept `file://` repositories (local development); default: `AGENT_ALLOW_FILE_REPOS=1`. */
  allowFileRepos?: boolean;
  /** A server-only directory on the workspace's file system where clones are set up; default: the OS temp dir. */
  stagingDir?: string;
  /**
   * Hosts the token may be sent to (`GIT_TOKEN_HOSTS`, default {@link DEFAULT_TOKEN_HOSTS}): the
   * payload names the repository, so without this list it could send the token anywhere.
   */
  tokenHosts?: readonly string[];
}

/** Hosts the Git token goes to when `GIT_TOKEN_HOSTS` is not set. */
export const DEFAULT_TOKEN_HOSTS: readonly string[] = ['github.com'];

/**
 * Trust boundary: the server runs Git itself only where it controls the repository — the fresh
 * clone (before the agent ever sees it) and a private bare repository it pushes from. Everything
 * in the agent's workspace after that (`add`, `commit`, `format-patch`, `bundle`) runs as the
 * agent's user with a minimal environment, because the agent controls `.git/config` and hooks
 * (`core.fsmonitor`, filters, `core.hooksPath` all run commands). The token never appears in an
 * argv (other users can read `/proc/<pid>/cmdline`): it reaches Git through `GIT_CONFIG_*`
 * environment variables of server-run commands only. Every ref or URL from the payload follows
 * `--end-of-options` or `--`.
 */
export class GitWorkspace {
  constructor(
    private readonly dir: string,
    private readonly options: GitWorkspaceOptions,
  ) {}

  /**
   * Clone `spec.repo` into the workspace (unless it already holds the clone from an earlier
   * invocation of this session), check out the work branch, add `exclude` patterns to
   * `.git/info/exclude`, and hand the clone to the agent's user.
   * @throws Error with git's redacted stderr when cloning or checkout fails.
   */
  async prepare(spec: RepoSpec, sessionId: string, exclude: readonly string[] = []): Promise<RepoState> {
    const problem = repoUrlProblem(spec.repo, { allowFileRepos: this.options.allowFileRepos ?? fileReposAllowed() });
    if (problem) throw new Error(`repo ${problem}`);
    const workBranch = workBranchName(sessionId);
    if (existsSync(join(this.dir, '.git'))) {
      const top = await this.agentGit(['rev-parse', '--show-toplevel'], { reject: false });
      if (top.exitCode === 0 && top.stdout.trim() === this.dir) {
        const base = (await this.agentGit(['config', '--get', BASE_KEY], { reject: false })).stdout.trim();
        if (!COMMIT_ID.test(base)) throw new Error(`the clone's ${BASE_KEY} is missing or not a commit id`);
        return { workBranch, baseSha: base, cloned: false };
      }
    }
    const present = await readdir(this.dir);
    if (present.length > 0) throw new Error(`the workspace already holds files (${present.slice(0, 3).join(', ')}) but no clone of its own: cannot clone into it`);
    // Cloned and set up where only the server can write, then handed over: the server never runs
    // Git in a tree the agent (or a process it left behind) can change under it.
    const staging = await mkdtemp(join(this.options.stagingDir ?? tmpdir(), 'clone-'));
    try {
      const inStaging = { cwd: staging };
      const clone = ['clone', '-q', '--no-tags', ...(spec.branch ? ['--branch', spec.branch] : []), '--', spec.repo, '.'];
      await this.serverGit(clone, { ...inStaging, token: this.tokenFor(spec.repo) });
      const baseRef = spec.base ? await this.resolveBase(spec, staging) : 'HEAD';
      const baseSha = (await this.serverGit(['rev-parse', '--verify', '--end-of-options', `${baseRef}^{commit}`], inStaging)).stdout.trim();
      await this.serverGit(['config', BASE_KEY, baseSha], inStaging);
      await this.serverGit(['checkout', '-q', '-B', workBranch], inStaging);
      if (exclude.length > 0) await appendFile(join(staging, '.git', 'info', 'exclude'), `${exclude.join('\n')}\n`);
      await giveToAgent(this.options.identity, [staging]);
      for (const entry of await readdir(staging)) await rename(join(staging, entry), join(this.dir, entry));
      return { workBranch, baseSha, cloned: true };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Commit whatever the agent changed (if anything), then produce the patch against the base and
   * the list of changed files; push the work branch when a token is configured.
   */
  async finish(state: RepoState, message: string, spec: RepoSpec): Promise<RepoResult> {
    await this.agentGit(['add', '-A']);
    const staged = await this.agentGit(['diff', '--cached', '--quiet'], { reject: false });
    let commit: string | undefined;
    if (staged.exitCode === 1) {
      await this.agentGit([...AUTHOR, 'commit', '--no-verify', '-q', '-m', message]);
      commit = (await this.agentGit(['rev-parse', 'HEAD'])).stdout.trim();
    }
    const range = `${state.baseSha}..HEAD`;
    const patch = (await this.agentGit([...AUTHOR, 'format-patch', '--stdout', range])).stdout;
    const names = (await this.agentGit(['diff', '--name-status', '-z', state.baseSha, 'HEAD'])).stdout;
    let pushed = false;
    if (this.options.token && commit) {
      await this.push(state.workBranch, spec.repo);
      pushed = true;
    }
    return { patch: patch ? `${patch}\n` : '', changedFiles: parseNameStatus(names), commit, pushed };
  }

  /**
   * Push the agent's HEAD to `refs/heads/<workBranch>`: the agent's repository is exported as a
   * bundle (plain data) and fetched into a private bare repository the server controls, which is
   * what talks to the remote with the token.
   */
  private async push(workBranch: string, url: string): Promise<void> {
    const bundle = await this.agentGit(['bundle', 'create', '-', 'HEAD'], { encoding: 'buffer' });
    const scratch = await mkdtemp(join(tmpdir(), 'agentcore-push-'));
    try {
      const bundleFile = join(scratch, 'work.bundle');
      await writeFile(bundleFile, bundle.stdoutBuffer ?? Buffer.alloc(0), { mode: 0o600 });
      const bare = join(scratch, 'repo.git');
      await this.serverGit(['init', '-q', '--bare', '--', bare], { cwd: scratch });
      await this.serverGit(['fetch', '-q', '--', bundleFile, `HEAD:refs/heads/${workBranch}`], { cwd: bare });
      await this.serverGit(['push', '-q', '--', url, `refs/heads/${workBranch}:refs/heads/${workBranch}`], { cwd: bare, token: this.tokenFor(url) });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async resolveBase(spec: RepoSpec, cwd: string): Promise<string> {
    const base = spec.base!;
    await this.serverGit(['fetch', '-q', '--end-of-options', 'origin', base], { cwd, reject: false, token: this.tokenFor(spec.repo) });
    for (const candidate of [`origin/${base}`, base, 'FETCH_HEAD']) {
      const found = await this.serverGit(['rev-parse', '--verify', '-q', '--end-of-options', `${candidate}^{commit}`], { cwd, reject: false });
      if (found.exitCode === 0) return found.stdout.trim();
    }
    throw new Error(`base "${base}" is not a branch, tag or commit of ${spec.repo}`);
  }

  /** The token, for an `https://` URL on one of the token hosts only. */
  private tokenFor(url: string): string | undefined {
    if (!this.options.token || !url.startsWith('https:')) return undefined;
    const host = new URL(url).hostname.toLowerCase();
    return (this.options.tokenHosts ?? DEFAULT_TOKEN_HOSTS).some((allowed) => allowed.toLowerCase() === host) ? this.options.token : undefined;
  }

  /** Git run by the server, only in repositories it controls (`cwd`), the token passed by environment only. */
  private serverGit(args: string[], opts: { cwd: string; reject?: boolean; token?: string }) {
    const auth = opts.token
      ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${opts.token}`).toString('base64')}` }
      : {};
    return this.run(['-c', `safe.directory=${opts.cwd}`, ...args], { cwd: opts.cwd, reject: opts.reject, env: { ...process.env, ...auth } });
  }

  /** Git run as the agent's user inside its workspace, with nothing of the server's environment. */
  private agentGit(args: string[], opts: { reject?: boolean; encoding?: 'buffer' } = {}) {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    };
    const identity = this.options.identity;
    return this.run(args, { cwd: this.dir, reject: opts.reject, env, encoding: opts.encoding, ...(identity ? { uid: identity.uid, gid: identity.gid } : {}) });
  }

  private async run(args: string[], opts: { cwd: string; reject?: boolean; env: NodeJS.ProcessEnv; encoding?: 'buffer'; uid?: number; gid?: number }) {
    const result = await execa('git', args, {
      cwd: opts.cwd,
      reject: false,
      stripFinalNewline: false,
      extendEnv: false,
      // The workspace root may itself sit inside a Git project (dev): never look above the workspace.
      env: { ...opts.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', GIT_CEILING_DIRECTORIES: dirname(this.dir) },
      ...(opts.encoding ? { encoding: opts.encoding } : {}),
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
    });
    if (result.exitCode !== 0 && opts.reject !== false) {
      const redacted = this.options.redact(String(result.stderr).trim());
      throw new Error(`git ${args.filter((a) => !a.startsWith('safe.directory=') && a !== '-c').join(' ')} failed (exit ${result.exitCode}): ${redacted}`);
    }
    const raw: unknown = result.stdout;
    const stdoutBuffer = raw instanceof Uint8Array ? Buffer.from(raw) : undefined;
    return { exitCode: result.exitCode ?? 1, stdout: stdoutBuffer ? '' : String(raw), stdoutBuffer, stderr: String(result.stderr) };
  }
}

/** Parse `git diff --name-status -z` output. Pure; exported for tests. */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0').filter((f) => f !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length; ) {
    const status = fields[i++]!;
    if (status.startsWith('R') || status.startsWith('C')) {
      i += 1; // old path
    }
    const path = fields[i++];
    if (path !== undefined) files.push({ status: status[0]!, path });
  }
  return files;
}
