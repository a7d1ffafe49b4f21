/**
 * Runs the BUILT binary (`bin/agentcore-claude.js` → dist/) for end-to-end tests. Fails loudly
 * when the build is missing: e2e suites never skip silently.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN, REPO_ROOT } from './cli.js';

export { BIN, REPO_ROOT };

/** Throw unless `npm run build` has produced dist/cli/main.js. */
export function requireBuiltBinary(): void {
  if (!existsSync(join(REPO_ROOT, 'dist/cli/main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` before the end-to-end tests.');
  }
}

/** Environment for the binary: moto's AWS variables, no CI-specific noise, no stdin TTY. */
export function cliEnv(motoEnv: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  return { ...motoEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1', ...extra };
}

/**
 * Run the binary in `cwd` with exactly the given environment on top of this process's (unlike
 * cli.ts `runCli`, `CI` is not forced, so tests control it); never rejects (check `exitCode`).
 * stdin is closed (not a TTY).
 */
export function runCli(args: string[], options: { cwd: string; env: Record<string, string>; timeout?: number }) {
  return execa('node', [BIN, ...args], { cwd: options.cwd, env: options.env, reject: false, stdin: 'ignore', timeout: options.timeout ?? 60_000 });
}

/** A temp directory, removed by the returned `cleanup`. */
export function tempDir(prefix = 'agentcore-ops-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
