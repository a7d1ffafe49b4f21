/**
 * Starts the built agent server (`container/dist/main.js`) as a child process, as `dev` and the
 * container do, with its own temp WORKSPACE_ROOT and HOME, on a free loopback port.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { requireClaudeBinary } from './claude-binary.js';
import { BIN, REPO_ROOT } from './cli.js';
import { freePort, waitForHttp } from './ports.js';

export { REPO_ROOT };
export const SERVER_MAIN = join(REPO_ROOT, 'container/dist/main.js');
export const CLI_BIN = BIN;

export interface RunningAgentServer {
  url: string;
  port: number;
  workspaceRoot: string;
  /** Temp directory holding the workspace root and HOME. */
  tempDir: string;
  /** Everything the server printed so far. */
  output(): string;
  child: ResultPromise;
  /** Send SIGTERM and wait for exit; removes the temp dir. */
  stop(): Promise<void>;
}

/** Fail loudly when the server was not built or the Claude Code binary is missing. */
export function requireBuilt(): void {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run npm run build first.`);
  requireClaudeBinary();
}

/**
 * Start the agent server with `env` added to a minimal environment (PATH only from the parent,
 * so the caller's model credentials never leak in).
 */
export async function startAgentServer(env: Record<string, string>): Promise<RunningAgentServer> {
  requireBuilt();
  const tempDir = mkdtempSync(join(tmpdir(), 'agent-server-'));
  const workspaceRoot = join(tempDir, 'workspace');
  const port = await freePort();
  let output = '';
  const child = execa(process.execPath, [SERVER_MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: join(tempDir, 'home'), PORT: String(port), HOST: '127.0.0.1', WORKSPACE_ROOT: workspaceRoot, ...env },
    extendEnv: false,
    reject: false,
    all: true,
    cleanup: true,
  });
  child.all?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = child.then((r) => {
    throw new Error(`agent server exited early (code ${r.exitCode}):\n${output}`);
  });
  exited.catch(() => undefined);
  await Promise.race([waitForHttp(`${url}/ping`, 20_000), exited]);
  return {
    url,
    port,
    workspaceRoot,
    tempDir,
    output: () => output,
    child,
    async stop() {
      child.kill('SIGTERM');
      await child;
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
