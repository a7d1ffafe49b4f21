/**
 * The bundled agent server run as a local Node process (no Docker, no AWS): `container/dist/main.js`
 * of this package, for `dev` and for `invoke --local` when nothing listens at `--url`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { CliError } from '../core/errors.js';

export { LOCAL_WORKSPACE_ROOT } from '../core/local-defaults.js';

/** Path of the built agent server inside this package. */
export function agentServerEntry(): string {
  return fileURLToPath(new URL('../../container/dist/main.js', import.meta.url));
}

/** True when an agent server answers `GET /ping` at `url` within `timeoutMs`. */
export async function isAgentListening(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const response = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: unknown };
    return body.status === 'Healthy' || body.status === 'HealthyBusy';
  } catch {
    return false;
  }
}

export interface LocalServerOptions {
  port: number;
  host: string;
  /** Made absolute against the current directory. */
  workspaceRoot: string;
  /** Environment of the server (model access, AWS, OUTPUT_BUCKET_NAME…). */
  env: NodeJS.ProcessEnv;
  /** `inherit`: the server's output goes to this process's stdout/stderr (dev); `capture`: kept for errors. */
  stdio: 'inherit' | 'capture';
}

export interface LocalServer {
  url: string;
  workspaceRoot: string;
  child: ResultPromise;
  /** SIGTERM and wait (the server finishes running replies first). */
  stop(): Promise<void>;
}

/**
 * Start the agent server and wait until `/ping` answers. The server runs with
 * `AGENT_ALLOW_FILE_REPOS=1` (payloads may name `file://` repositories: local development only).
 * @throws CliError when the server is not built, exits early (e.g. port in use), or is not ready in `readyTimeoutMs`.
 */
export async function startLocalServer(options: LocalServerOptions, readyTimeoutMs = 20_000): Promise<LocalServer> {
  const entry = agentServerEntry();
  if (!existsSync(entry)) {
    throw new CliError(`The agent server is not built (${entry} is missing).`, { hint: 'Run `npm run build` in the agentcore-claude checkout.', code: 'NOT_BUILT' });
  }
  const workspaceRoot = resolve(options.workspaceRoot);
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  let output = '';
  const child = execa(process.execPath, [entry], {
    // AGENT_ALLOW_FILE_REPOS=1: local development may name file:// repositories (container/src/payload.ts).
    env: { ...options.env, PORT: String(options.port), HOST: options.host, WORKSPACE_ROOT: workspaceRoot, AGENT_ALLOW_FILE_REPOS: '1' },
    extendEnv: false,
    stdio: options.stdio === 'inherit' ? 'inherit' : 'pipe',
    all: options.stdio === 'capture',
    reject: false,
    cleanup: true,
  });
  child.all?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  });
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await isAgentListening(url, 500))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGTERM');
      const result = await child;
      throw new CliError(`The local agent server did not start at ${url}${exited ? ` (exit code ${result.exitCode})` : ''}.`, {
        hint: output ? `Its output:\n${output.trim()}` : 'Is the port already in use? Pass --port or --url.',
        code: 'LOCAL_SERVER_FAILED',
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    workspaceRoot,
    child,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await child;
    },
  };
}
