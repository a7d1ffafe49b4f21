/**
 * Repository workspaces: the agent works on a clone of a Git repository, on its own branch
 * `agentcore/<session>`, and each invocation ends with a patch of everything it changed against
 * the base (`changes.patch`, `git format-patch` output that `git am` applies) and a summary.
 *
 * The token (`GIT_TOKEN`, or a Secrets Manager secret resolved at start-up) is passed to git
 * only as an HTTP header for the one command that needs it (`-c http.extraHeader=…`): it never
 * enters the remote URL, `.git/config`, the patch, or error messages (they are redacted).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { repoUrlProblem } from './grammar.js';
import type { Redactor } from './redact.js';

/** Where the agent's repository work comes from; the payload's `repo`, `branch`, `base`. */
export interface RepoSpec {
  /** `https://…` Git URL (or `file://…` for a repository on the agent's own disk). */
  repo: string;
  /** Branch to clone; default: the remote's default branch. */
  branch?: string;
  /** Ref the patch is made against; default: the cloned branch's head at clone time. */
  base?: string;
}

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

export class GitWorkspace {
  constructor(
    private readonly dir: string,
    private readonly options: { token?: string; redact: Redactor },
  ) {}

  /**
   * Clone `spec.repo` into the workspace (unless it already holds the clone from an earlier
   * invocation of this session) and check out the work branch.
   * @throws Error with git's redacted stderr when cloning or checkout fails.
   */
  async prepare(spec: RepoSpec, sessionId: string): Promise<RepoState> {
    const problem = repoUrlProblem(spec.repo);
    if (problem) throw new Error(`repo ${problem}`);
    const workBranch = workBranchName(sessionId);
    const existing = await this.git(['rev-parse', '--is-inside-work-tree'], { reject: false });
    if (existing.exitCode === 0 && existing.stdout.trim() === 'true') {
      const base = await this.git(['config', '--get', BASE_KEY]);
      return { workBranch, baseSha: base.stdout.trim(), cloned: false };
    }
    const clone = ['clone', '--no-tags', ...(spec.branch ? ['--branch', spec.branch] : []), spec.repo, '.'];
    await this.git(this.withToken(clone, spec.repo));
    const baseRef = spec.base ? await this.resolveBase(spec) : 'HEAD';
    const baseSha = (await this.git(['rev-parse', `${baseRef}^{commit}`])).stdout.trim();
    await this.git(['config', BASE_KEY, baseSha]);
    await this.git(['checkout', '-B', workBranch]);
    return { workBranch, baseSha, cloned: true };
  }

  /** Add patterns to the clone's `.git/info/exclude` (idempotent): files Git should never commit. */
  async exclude(patterns: readonly string[]): Promise<void> {
    const path = join(this.dir, '.git', 'info', 'exclude');
    await mkdir(dirname(path), { recursive: true });
    const current = await readFile(path, 'utf8').catch(() => '');
    const missing = patterns.filter((p) => !current.split('\n').includes(p));
    if (missing.length > 0) await appendFile(path, `${current && !current.endsWith('\n') ? '\n' : ''}${missing.join('\n')}\n`);
  }

  /**
   * Commit whatever the agent changed (if anything), then produce the patch against the base and
   * the list of changed files; push the work branch when a token is configured.
   */
  async finish(state: RepoState, message: string, spec: RepoSpec): Promise<RepoResult> {
    await this.git(['add', '-A']);
    const staged = await this.git(['diff', '--cached', '--quiet'], { reject: false });
    let commit: string | undefined;
    if (staged.exitCode === 1) {
      await this.git([...AUTHOR, 'commit', '--no-verify', '-q', '-m', message]);
      commit = (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
    }
    const range = `${state.baseSha}..HEAD`;
    const patch = (await this.git([...AUTHOR, 'format-patch', '--stdout', range])).stdout;
    const names = (await this.git(['diff', '--name-status', '-z', state.baseSha, 'HEAD'])).stdout;
    let pushed = false;
    if (this.options.token && commit) {
      await this.git(this.withToken(['push', '-q', '-u', 'origin', `HEAD:refs/heads/${state.workBranch}`], spec.repo));
      pushed = true;
    }
    return { patch: patch ? `${patch}\n` : '', changedFiles: parseNameStatus(names), commit, pushed };
  }

  private async resolveBase(spec: RepoSpec): Promise<string> {
    const base = spec.base!;
    await this.git(this.withToken(['fetch', '-q', 'origin', base], spec.repo), { reject: false });
    for (const candidate of [`origin/${base}`, base, 'FETCH_HEAD']) {
      const found = await this.git(['rev-parse', '--verify', '-q', `${candidate}^{commit}`], { reject: false });
      if (found.exitCode === 0) return found.stdout.trim();
    }
    throw new Error(`base "${base}" is not a branch, tag or commit of ${spec.repo}`);
  }

  private withToken(args: string[], url: string): string[] {
    const token = this.options.token;
    if (!token || !url.startsWith('https:')) return args;
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    return ['-c', `http.extraHeader=Authorization: Basic ${basic}`, ...args];
  }

  private async git(args: string[], opts: { reject?: boolean } = {}) {
    const result = await execa('git', args, {
      cwd: this.dir,
      reject: false,
      stripFinalNewline: false,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true' },
    });
    if (result.exitCode !== 0 && opts.reject !== false) {
      const redacted = this.options.redact(String(result.stderr).trim());
      const shown = args.filter((a, i) => !a.startsWith('http.extraHeader=') && !(a === '-c' && args[i + 1]?.startsWith('http.extraHeader='))).join(' ');
      throw new Error(`git ${shown} failed (exit ${result.exitCode}): ${redacted}`);
    }
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
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
