/**
 * The real Claude Code binary the agent SDK spawns. End-to-end suites call
 * {@link requireClaudeBinary} first so they FAIL (never skip) when it is missing.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Path of the platform's Claude Code binary from `@anthropic-ai/claude-agent-sdk-<platform>-<arch>`. */
export function claudeBinaryPath(): string {
  const pkg = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`The Claude Code binary package ${pkg} is not installed (run npm ci; it is an optional dependency of @anthropic-ai/claude-agent-sdk).`);
  }
  return join(dir, 'claude');
}

/** @throws Error naming what to install when the binary is missing. */
export function requireClaudeBinary(): string {
  const path = claudeBinaryPath();
  if (!existsSync(path)) throw new Error(`The Claude Code binary is missing at ${path} (run npm ci).`);
  return path;
}
