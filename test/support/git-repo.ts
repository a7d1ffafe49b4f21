/**
 * Local Git repositories for repository-workspace tests: a bare repository (reachable as a
 * `file://` URL) seeded with one commit on `main`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Run git in `cwd` with a fixed identity and `main` as the initial branch; returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

/**
 * Create `<dir>/seed` holding `files` in one commit on `main`, and its bare clone `<dir>/<name>.git`.
 * @returns the bare repository's path.
 */
export function createBareRepo(dir: string, files: Record<string, string>, name = 'repo'): string {
  const seed = join(dir, `${name}-seed`);
  mkdirSync(seed, { recursive: true });
  git(seed, 'init', '-q');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), content);
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-qm', 'initial');
  const bare = join(dir, `${name}.git`);
  execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
  return bare;
}
