/**
 * Entry point of the agent server (the container's CMD, and what `agentcore-claude dev` runs).
 *
 * Environment: `PORT` (default 8080), `HOST` (default 0.0.0.0), `WORKSPACE_ROOT` (default
 * /app/workspace), `OUTPUT_BUCKET_NAME` (optional; without it files stay local), `AWS_REGION`,
 * `MAX_BODY_BYTES` (default 1 MiB), `CLAUDE_CODE_EXECUTABLE` (optional path of the Claude Code
 * binary), and the model access variables (see model-access.ts).
 *
 * Prints one line `agent server listening on http://HOST:PORT` when ready. SIGTERM/SIGINT: stop
 * accepting, abort running agents, let replies (and uploads) finish for up to 25 s, exit 0.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describeModelAccess, detectModelAccess } from './model-access.js';
import { createAgentServer, DEFAULT_MAX_BODY_BYTES } from './server.js';

const env = process.env;
const port = Number(env.PORT ?? 8080);
const host = env.HOST ?? '0.0.0.0';
const workspaceRoot = env.WORKSPACE_ROOT ?? '/app/workspace';
const access = detectModelAccess(env);
const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
const bucket = env.OUTPUT_BUCKET_NAME || undefined;

const agent = createAgentServer({
  workspaceRoot,
  access,
  env,
  s3: bucket ? { client: new S3Client({ region }), bucket, region } : undefined,
  executable: env.CLAUDE_CODE_EXECUTABLE || undefined,
  maxBodyBytes: env.MAX_BODY_BYTES ? Number(env.MAX_BODY_BYTES) : DEFAULT_MAX_BODY_BYTES,
  claudeSessions: new Map(),
});

const bound = await agent.listen(port, host);
process.stdout.write(`agent server listening on http://${host}:${bound}\n`);
process.stdout.write(`model access: ${describeModelAccess(access)}\n`);
process.stdout.write(`workspaces: ${workspaceRoot}/<runtime-session-id>; outputs: ${bucket ? `s3://${bucket}/outputs/` : 'kept local (OUTPUT_BUCKET_NAME not set)'}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping (running invocations: ${agent.health.busyCount})\n`);
    agent.shutdown(25_000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
