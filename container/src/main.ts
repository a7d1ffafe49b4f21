/**
 * Entry point of the agent server (the container's CMD, and what `agentcore-claude dev` runs).
 *
 * Environment: `PORT` (default 8080), `HOST` (default 0.0.0.0), `WORKSPACE_ROOT` (default
 * /app/workspace), `OUTPUT_BUCKET_NAME` (optional; without it files stay local), `AWS_REGION`,
 * `MAX_BODY_BYTES` (default 1 MiB), `CLAUDE_CODE_EXECUTABLE` (optional path of the Claude Code
 * binary), and the model access variables (see model-access.ts). Sessions:
 * `SESSION_PERSISTENCE` (`s3`, the default when a bucket is set, saves each session to
 * `s3://$OUTPUT_BUCKET_NAME/sessions/` for continuation on another microVM; `session-storage`: the
 * workspace root is AgentCore managed session storage (set by `deploy --session-storage`), so
 * only each session's record is written and its archive only on `{"action":"export"}`; `off` keeps
 * them local). `MAX_BUDGET_USD`: budget of a run whose payload names none (US dollars, > 0). `SKILLS_DIR` (default /app/skills): bundled Claude skills. `GIT_TOKEN`, or
 * `GIT_TOKEN_SECRET_ARN` (a Secrets Manager secret read at start-up): token for pushing
 * repository work; never passed to the agent's process, and sent only to the hosts in
 * `GIT_TOKEN_HOSTS` (comma-separated, default github.com).
 * `AGENT_ARTIFACT`: `code` on a direct code deployment (no git there): `repo` payloads get a 400.
 *
 * Isolation: `AGENT_USER` (a user name or `uid:gid`; the image sets `agent`) — when the server runs
 * as root, Claude Code and Git in the workspace run as that user (agent-user.ts).
 * Limits: `MAX_BODY_BYTES`, `REQUEST_TIMEOUT_MS` (default 60000), `MAX_CONCURRENT_SESSIONS`
 * (default 4), `S3_TIMEOUT_MS` (per S3 request without progress, default 30000; 3 attempts),
 * `OUTPUT_MAX_FILE_BYTES` (largest output file scrubbed and uploaded, default 2 GiB).
 *
 * Prints one line `agent server listening on http://HOST:PORT` when ready. SIGTERM/SIGINT: stop
 * accepting, abort running agents, let their work be delivered (uploads, session save) for up to
 * 25 s, exit 0.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describeIsolation, resolveAgentUser } from './agent-user.js';
import { DEFAULT_MAX_OUTPUT_FILE_BYTES } from './delivery.js';
import { describeModelAccess, detectModelAccess } from './model-access.js';
import { createRedactor } from './redact.js';
import { RunStatusStore } from './run-status-store.js';
import { createAgentServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT_SESSIONS, DEFAULT_REQUEST_TIMEOUT_MS } from './server.js';
import { SessionStore } from './session-store.js';
import { DEFAULT_S3_TIMEOUT_MS } from './uploader.js';
import { bundledSkills } from './skills.js';
import { MAX_BUDGET_USD_LIMIT } from './payload.js';

const env = process.env;
const port = Number(env.PORT ?? 8080);
const host = env.HOST ?? '0.0.0.0';
const workspaceRoot = env.WORKSPACE_ROOT ?? '/app/workspace';
const access = detectModelAccess(env);
const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
const bucket = env.OUTPUT_BUCKET_NAME || undefined;
const s3Timeout = positive('S3_TIMEOUT_MS', DEFAULT_S3_TIMEOUT_MS);
// A stalled S3 must not hold a session busy forever: bounded connect and idle times, few attempts.
const s3 = bucket ? new S3Client({ region, maxAttempts: 3, requestHandler: { connectionTimeout: 5_000, requestTimeout: s3Timeout } }) : undefined;
const identity = await resolveAgentUser(env.AGENT_USER || undefined);
const maxConcurrentSessions = positive('MAX_CONCURRENT_SESSIONS', DEFAULT_MAX_CONCURRENT_SESSIONS);
const skillsDir = env.SKILLS_DIR ?? '/app/skills';
const skills = await bundledSkills(skillsDir);
const gitToken = env.GIT_TOKEN || (env.GIT_TOKEN_SECRET_ARN ? await readSecret(env.GIT_TOKEN_SECRET_ARN, region) : undefined);

const persistence = sessionPersistence(env.SESSION_PERSISTENCE);
const defaultBudgetUsd = budget('MAX_BUDGET_USD');

const agent = createAgentServer({
  workspaceRoot,
  access,
  env,
  s3: s3 && bucket ? { client: s3, bucket, region, timeoutMs: s3Timeout } : undefined,
  sessionStore: s3 && bucket && persistence !== 'off' ? new SessionStore(s3, bucket) : undefined,
  persistence: persistence === 'session-storage' ? 'session-storage' : 's3',
  defaultBudgetUsd,
  skills: skills.length > 0 ? { dir: skillsDir, names: skills } : undefined,
  gitToken,
  gitTokenHosts: env.GIT_TOKEN_HOSTS ? env.GIT_TOKEN_HOSTS.split(',').map((h) => h.trim()).filter(Boolean) : undefined,
  redact: createRedactor(env, gitToken ? [gitToken] : []),
  executable: env.CLAUDE_CODE_EXECUTABLE || undefined,
  identity,
  maxBodyBytes: positive('MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
  requestTimeoutMs: positive('REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS),
  maxConcurrentSessions,
  maxOutputFileBytes: positive('OUTPUT_MAX_FILE_BYTES', DEFAULT_MAX_OUTPUT_FILE_BYTES),
  runStatusStore: s3 && bucket ? new RunStatusStore(s3, bucket, 3 * s3Timeout) : undefined,
  claudeSessions: new Map(),
  workspaceSnapshots: new Map(),
});

const bound = await agent.listen(port, host);
process.stdout.write(`agent server listening on http://${host}:${bound}\n`);
process.stdout.write(`model access: ${describeModelAccess(access)}\n`);
process.stdout.write(`workspaces: ${workspaceRoot}/<runtime-session-id>; outputs: ${bucket ? `s3://${bucket}/outputs/` : 'kept local (OUTPUT_BUCKET_NAME not set)'}\n`);
process.stdout.write(`sessions: ${describePersistence(persistence)}${defaultBudgetUsd ? `; default budget $${defaultBudgetUsd} a run (MAX_BUDGET_USD)` : ''}\n`);
if (skills.length > 0) process.stdout.write(`skills: ${skills.join(', ')} (from ${skillsDir})\n`);
process.stdout.write(`limits: ${maxConcurrentSessions} concurrent sessions (MAX_CONCURRENT_SESSIONS), request body ${positive('MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES)} bytes\n`);
process.stdout.write(`isolation: ${describeIsolation(identity)}\n`);

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

/**
 * A positive integer from the environment, or `fallback` when unset.
 * @throws Error naming the variable when it is set to anything else (the server refuses to start).
 */
function positive(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * `SESSION_PERSISTENCE`: `s3` (default), `session-storage` or `off`.
 * @throws Error for anything else (the server refuses to start).
 */
function sessionPersistence(raw: string | undefined): 's3' | 'session-storage' | 'off' {
  if (raw === undefined || raw === '' || raw === 's3') return 's3';
  if (raw === 'session-storage' || raw === 'off') return raw;
  throw new Error(`SESSION_PERSISTENCE must be s3, session-storage or off, got "${raw}"`);
}

function describePersistence(mode: 's3' | 'session-storage' | 'off'): string {
  if (!bucket || mode === 'off') return mode === 'session-storage' ? `managed session storage at ${workspaceRoot} (no S3 records: OUTPUT_BUCKET_NAME not set)` : 'kept on this machine only';
  if (mode === 'session-storage') return `managed session storage at ${workspaceRoot}; records in s3://${bucket}/sessions/, archives on export`;
  return `archived to s3://${bucket}/sessions/ after every invocation`;
}

/**
 * A budget in US dollars from the environment (a finite number > 0), or undefined when unset.
 * @throws Error naming the variable for anything else.
 */
function budget(name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_BUDGET_USD_LIMIT) {
    throw new Error(`${name} must be a number of US dollars greater than 0 and at most ${MAX_BUDGET_USD_LIMIT} (as the payload's max_budget_usd), got "${raw}"`);
  }
  return value;
}

/** The string value of a Secrets Manager secret (the Git token given at deploy). */
async function readSecret(secretId: string, secretRegion: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const secret = await new SecretsManagerClient({ region: secretRegion }).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!secret.SecretString) throw new Error(`secret ${secretId} has no string value`);
  return secret.SecretString;
}
