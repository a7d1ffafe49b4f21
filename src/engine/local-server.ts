/**
 * The bundled agent server run as a local Node process (no Docker, no AWS): `container/dist/main.js`
 * of this package, for `dev` and for `invoke --local` when nothing listens at `--url`.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { WaitDefaults } from '../aws/wait.js';
import { CliError } from '../core/errors.js';
import { detectLocalModelAccess } from '../core/model-access.js';
import { modelPinEnvironment, resolveModelId } from '../core/model.js';

export { LOCAL_WORKSPACE_ROOT } from '../core/local-defaults.js';

/** A starting server is asked every 0.1 s whether it answers. */
const SERVER_START_WAIT: WaitDefaults = { minDelay: 0.1, maxDelay: 0.1 };

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
  /**
   * `inherit`: the server's output goes on to this process's stdout/stderr (dev; its own
   * "listening" line is left out, the caller says where it listens); `capture`: kept for errors.
   */
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
  await requirePortFree(options.host, options.port, url);
  let output = '';
  const child = execa(process.execPath, [entry], {
    // AGENT_ALLOW_FILE_REPOS=1: local development may name file:// repositories (container/src/payload.ts).
    env: { ...options.env, ...bedrockModels(options.env), PORT: String(options.port), HOST: options.host, WORKSPACE_ROOT: workspaceRoot, AGENT_ALLOW_FILE_REPOS: '1' },
    extendEnv: false,
    stdio: ['ignore', 'pipe', 'pipe'],
    all: true,
    reject: false,
    cleanup: true,
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.all?.on('data', keep);
  if (options.stdio === 'inherit') {
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString().replace(/^agent server listening on .*\n/m, '');
      if (text) process.stdout.write(text);
    });
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  }
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  // true: answers /ping; false: exited; undefined: not yet (checked again 0.1 s later).
  const notReady = new Error('not ready');
  // Loaded here: the waiter comes with the AWS SDK's core, which `invoke --local` otherwise never loads.
  const { waitUntil } = await import('../aws/wait.js');
  const ready = await waitUntil(async () => ((await isAgentListening(url, 500)) ? true : exited ? false : undefined), { deadline: Date.now() + readyTimeoutMs }, SERVER_START_WAIT, () => notReady).catch(
    (error: unknown) => {
      if (error === notReady) return false;
      throw error;
    },
  );
  if (!ready) {
    child.kill('SIGTERM');
    const result = await child;
    throw new CliError(`The local agent server did not start at ${url}${exited ? ` (exit code ${result.exitCode})` : ` within ${readyTimeoutMs / 1000} s`}.`, {
      hint: startFailureHint(output),
      code: 'LOCAL_SERVER_FAILED',
    });
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

/**
 * On Amazon Bedrock, the models of the region (the protocol's table, as `deploy` configures a
 * runtime): `ANTHROPIC_MODEL` (default or bare `anthropic.…` id resolved to the region's profile)
 * and Claude Code's alias/background models pinned, so a local run in eu-central-1 never calls a
 * `us.` profile. Empty for the Anthropic API. Pins already in `env` are kept.
 */
export function bedrockModels(env: NodeJS.ProcessEnv): Record<string, string> {
  const access = detectLocalModelAccess(env);
  if (access.kind !== 'bedrock') return {};
  return { ANTHROPIC_MODEL: resolveModelId(access.region, access.model), ...modelPinEnvironment(access.region, env) };
}

/** The hint for a server that did not start, from its output. */
function startFailureHint(output: string): string {
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(output)?.[1];
  if (missing) {
    return `The agent server's dependency ${missing} is not installed next to agentcore-claude. Reinstall it (npm install agentcore-claude), or in a checkout run \`npm ci\`.`;
  }
  return output ? `Its output:\n${output.trim()}` : 'It printed nothing; run `agentcore-claude dev` to see its log.';
}

/**
 * Fail before starting anything when `host:port` is taken (EADDRINUSE), or cannot be bound.
 * @throws CliError (exit 3) naming the port and the flags that choose another.
 */
export async function requirePortFree(host: string, port: number, url: string): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => done(e));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => done(undefined)));
  });
  if (!error) return;
  if (error.code === 'EADDRINUSE') {
    const agent = await isAgentListening(url, 1000);
    throw new CliError(`Port ${port} on ${host} is already in use${agent ? ' by another agent server' : ''}.`, {
      hint: agent
        ? `Use that server (agentcore-claude invoke --local --url ${url} "…"), stop it, or pass --port <port>.`
        : 'Stop what listens there, or pass --port <port> (dev) / --url http://127.0.0.1:<port> (invoke --local).',
      code: 'PORT_IN_USE',
    });
  }
  throw new CliError(`Cannot listen on ${host}:${port}: ${error.code ?? error.message}.`, { hint: 'Pass --host 127.0.0.1 or another --port.', code: 'CANNOT_LISTEN' });
}
