/**
 * `dev`: run the bundled agent server in the foreground on this machine until interrupted.
 */
import { detectLocalModelAccess, MODEL_ACCESS_HINT } from '../core/model-access.js';
import type { IoHost } from '../io/host.js';
import { startLocalServer } from './local-server.js';

export interface DevOptions {
  port: number;
  host: string;
  workspaceRoot: string;
  env: NodeJS.ProcessEnv;
  io: IoHost;
}

/**
 * Start the server (its log goes to this process's stdout), print where it listens and which
 * model access it found, and resolve with its exit code once it stops (SIGINT/SIGTERM are
 * forwarded; the server finishes running replies first).
 * @throws CliError when the server cannot start.
 */
export async function runDev(options: DevOptions): Promise<number> {
  const { io, env } = options;
  const access = detectLocalModelAccess(env);
  const server = await startLocalServer({ port: options.port, host: options.host, workspaceRoot: options.workspaceRoot, env, stdio: 'inherit' });
  io.info(`Agent server listening on ${server.url}  (GET /ping, POST /invocations)`);
  if (access.kind === 'none') io.warn(`${access.missing} Invocations will fail until you restart with model access. ${MODEL_ACCESS_HINT}`);
  else io.info(`Model access: ${access.description}`);
  io.info(`Workspaces: ${server.workspaceRoot}/<runtime-session-id>`);
  io.info(`Outputs: ${env.OUTPUT_BUCKET_NAME ? `s3://${env.OUTPUT_BUCKET_NAME}/outputs/ (OUTPUT_BUCKET_NAME)` : 'kept in the workspace (set OUTPUT_BUCKET_NAME to upload to S3)'}`);
  io.info(`Try: agentcore-claude invoke --local${server.url === 'http://127.0.0.1:8080' ? '' : ` --url ${server.url}`} "Create a hello world Python script"   (Ctrl-C stops the server)`);
  const forward = (signal: NodeJS.Signals) => () => {
    server.child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const result = await server.child;
    return result.exitCode ?? 0;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
