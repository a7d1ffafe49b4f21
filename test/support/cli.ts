/**
 * Run the BUILT CLI binary as a user would (node bin/agentcore-claude.js …), never the sources.
 */
import { fileURLToPath } from 'node:url';
import { execa, type Result, type ResultPromise } from 'execa';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/agentcore-claude.js', import.meta.url));

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Run the CLI; never throws on a non-zero exit (assert `exitCode`). `CI=true`, no stdin by default. */
export async function runCli(args: string[], options: RunOptions): Promise<Result> {
  return spawnCli(args, options);
}

/** {@link runCli} without awaiting: the child's streams can be watched while it runs. */
export function spawnCli(args: string[], options: RunOptions): ResultPromise {
  return execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
  });
}
