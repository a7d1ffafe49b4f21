/**
 * One invocation from validated request to reply: session workspace (restored from S3 when this
 * microVM has never seen the session), bundled skills, repository clone, snapshot, agent run
 * (resuming the session's Claude session), changed-file detection, transcript, patch, upload,
 * session save, response. Streams progress through `emit`.
 */
import { randomUUID } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { runAgent } from './agent-runner.js';
import { giveToAgent, killStrays, type AgentIdentity } from './agent-user.js';
import { artifactPath, collectChanges, DEFAULT_MAX_OUTPUT_FILE_BYTES, deliver, PATCH_FILE, scrubChanged } from './delivery.js';
import { EventMapper, type AgentEvent } from './events.js';
import { GitWorkspace, type RepoResult, type RepoState } from './git-workspace.js';
import { agentEnvironment, type ModelAccess } from './model-access.js';
import { outputPrefix } from './output-prefix.js';
import type { InvocationRequest } from './payload.js';
import { createRedactor, type Redactor } from './redact.js';
import { sessionInfo, type AgentResponse, type SessionSaved } from './response.js';
import type { SaveUpdate, SessionRecord, SessionStore } from './session-store.js';
import { installSkills, WORKSPACE_SKILLS_DIR } from './skills.js';
import { TRANSCRIPT_FILE, TranscriptWriter } from './transcript.js';
import { sessionDirName, sessionDirs, snapshot, type ChangedFile, type Snapshot } from './workspace.js';

export { PATCH_FILE };
/** Longest a session save or restore may take, whatever S3 does: 15 minutes. */
const SESSION_STORE_DEADLINE_MS = 15 * 60_000;
/** Environment variables the agent's own process never gets (they stay with the server). */
const SERVER_ONLY_VARIABLES = ['GIT_TOKEN', 'GIT_TOKEN_SECRET_ARN'];

export interface InvocationEnvironment {
  workspaceRoot: string;
  access: ModelAccess;
  /** Base environment for Claude Code (process.env). */
  env: NodeJS.ProcessEnv;
  /** S3 upload target (`timeoutMs`: the client's request timeout); absent → files stay local. */
  s3?: { client: S3Client; bucket: string; region: string; timeoutMs?: number };
  executable?: string;
  /** Claude session id of each runtime session's latest run (for a later `resume`). */
  claudeSessions: Map<string, string>;
  /** Saves each session to S3 after every invocation and restores it on a new microVM; absent → sessions live only here. */
  sessionStore?: SessionStore;
  /**
   * How sessions persist between invocations (`SESSION_PERSISTENCE`): `s3` (default) saves the
   * archive after every invocation; `session-storage` means the workspace root is AgentCore managed
   * session storage, so only the session's record is written (the archive is made by `export`).
   */
  persistence?: 's3' | 'session-storage';
  /** Directory of bundled skills and their names (see skills.ts). */
  skills?: { dir: string; names: string[] };
  /** Token for pushing repository work (GIT_TOKEN or its Secrets Manager secret). */
  gitToken?: string;
  /** Hosts the token may be sent to (`GIT_TOKEN_HOSTS`); default: github.com. */
  gitTokenHosts?: readonly string[];
  /** Removes secrets from transcripts and errors; default: from `env` (+ the Git token). */
  redact?: Redactor;
  /** The agent's own user (agent-user.ts); absent → the agent runs as the server's user. */
  identity?: AgentIdentity;
  /** Largest output file delivered, bytes (default {@link DEFAULT_MAX_OUTPUT_FILE_BYTES}). */
  maxOutputFileBytes?: number;
  /** Each session's workspace snapshot as its last invocation left it (saves one walk per invocation). */
  workspaceSnapshots?: Map<string, Snapshot>;
  /** Budget of a run whose payload names none, US dollars (`MAX_BUDGET_USD`); absent → no budget. */
  defaultBudgetUsd?: number;
}

/** One invocation's reply, and the session save that continues after it (off the reply's path). */
export interface InvocationOutcome {
  reply: AgentResponse;
  /** Resolves when the session is durable in S3 (or its save failed); absent when nothing is saved. */
  persisted?: Promise<SessionSaved>;
}

/**
 * Run one invocation. Never throws for agent or upload failures: they are in the reply. The
 * session save starts before the reply is returned and completes in `persisted` (the reply says
 * `session_saved: {saved: "pending"}`); the caller keeps the session busy until it resolves.
 */
export async function runInvocation(
  envt: InvocationEnvironment,
  request: InvocationRequest,
  runtimeSessionId: string,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
  invocationId: string = randomUUID(),
): Promise<InvocationOutcome> {
  const startedAt = new Date();
  // Nothing an earlier run left behind may change the session's files (or swap its directories) while the server works in them.
  await killStrays(envt.identity);
  const dirs = await sessionDirs(envt.workspaceRoot, runtimeSessionId, envt.identity);
  emit({ type: 'start', runtime_session_id: runtimeSessionId, invocation_id: invocationId, workspace: dirs.workspace });
  const ids = { runtimeSessionId, invocationId, claudeSessionId: undefined as string | undefined };
  const redact = envt.redact ?? createRedactor(envt.env, envt.gitToken ? [envt.gitToken] : []);

  if (envt.access.kind === 'none') {
    return { reply: failed(ids, startedAt, dirs.workspace, 'error_no_model_access', `No model access: ${envt.access.reason}`, { reason: envt.access.reason }) };
  }

  const { record: previous, restored } = await restoreSession(envt, runtimeSessionId, dirs.workspace, emit);
  // What the server restored belongs to the agent's user (extracted as the server's).
  if (restored) await giveToAgent(envt.identity, [dirs.workspace, dirs.configDir]);
  const git = request.repo ? new GitWorkspace(dirs.workspace, { token: envt.gitToken, redact, identity: envt.identity, stagingDir: dirs.serverDir, tokenHosts: envt.gitTokenHosts }) : undefined;
  let repoState: RepoState | undefined;
  if (git && request.repo) {
    try {
      // Installed skills live in the clone but are not the agent's work: keep them out of its commits.
      repoState = await git.prepare(request.repo, runtimeSessionId, [`/${WORKSPACE_SKILLS_DIR.split(sep).join('/')}/`]);
      emit({ type: 'text', text: `Working on ${request.repo.repo} (branch ${repoState.workBranch}, base ${repoState.baseSha.slice(0, 12)})` });
    } catch (error) {
      const reason = redact((error as Error).message);
      return { reply: failed(ids, startedAt, dirs.workspace, 'error_repository', `Could not prepare the repository: ${reason}`, { reason }) };
    }
  }

  if (envt.skills && envt.skills.names.length > 0) {
    await installSkills(envt.skills.dir, envt.skills.names, dirs.workspace);
    await giveToAgent(envt.identity, [join(dirs.workspace, WORKSPACE_SKILLS_DIR)]);
  }
  // The workspace as the previous invocation left it, when nothing replaced it since (restore, clone):
  // between invocations only the server writes there (the agent's processes are killed).
  const cached = envt.workspaceSnapshots?.get(runtimeSessionId);
  const before = cached && !restored && !repoState?.cloned ? cached : await snapshot(dirs.workspace);
  envt.workspaceSnapshots?.delete(runtimeSessionId);
  const configBefore = await snapshot(dirs.configDir);
  const mapper = new EventMapper(dirs.workspace);
  const transcriptPath = artifactPath(dirs.serverDir, invocationId, TRANSCRIPT_FILE);
  const transcript = await TranscriptWriter.open(transcriptPath, redact);
  const agentEnv = agentEnvironment(envt.env, envt.access, dirs.configDir);
  for (const name of SERVER_ONLY_VARIABLES) delete agentEnv[name];
  if (envt.identity) agentEnv.HOME = dirs.configDir;
  const budget = request.maxBudgetUsd ?? envt.defaultBudgetUsd;
  const run = await runAgent({
    prompt: request.prompt,
    maxBudgetUsd: budget,
    cwd: dirs.workspace,
    env: agentEnv,
    permissionMode: request.permissionMode,
    allowedTools: request.allowedTools,
    maxTurns: request.maxTurns,
    model: request.model,
    resume: envt.claudeSessions.get(runtimeSessionId) ?? (await latestClaudeSession(dirs.configDir)),
    skills: envt.skills?.names,
    signal,
    executable: envt.executable,
    identity: envt.identity,
    onMessage: (message) => {
      transcript.write(message);
      for (const event of mapper.map(message)) emit(event);
    },
  });
  await transcript.close();
  ids.claudeSessionId = run.claudeSessionId;
  if (run.claudeSessionId) envt.claudeSessions.set(runtimeSessionId, run.claudeSessionId);

  // From here on, whatever ended the run, its work is delivered.
  const { changed, skipped, after } = await collectChanges(dirs.workspace, before, redact, isBookkeeping, envt.maxOutputFileBytes);
  await scrubChanged(dirs.configDir, configBefore, redact);
  const session = sessionInfo(ids, run.result, Date.now() - startedAt.getTime(), budget);
  const artifacts: ChangedFile[] = [{ relativePath: TRANSCRIPT_FILE, absolutePath: transcriptPath, size: (await stat(transcriptPath)).size }];
  let repo: AgentResponse['repo'];
  if (git && repoState && request.repo) {
    try {
      const result = await git.finish(repoState, `agentcore-claude: ${request.prompt.split('\n')[0]!.slice(0, 72)}`, request.repo);
      const patchPath = artifactPath(dirs.serverDir, invocationId, PATCH_FILE);
      await writeFile(patchPath, redact(result.patch), { mode: 0o600 });
      artifacts.push({ relativePath: PATCH_FILE, absolutePath: patchPath, size: (await stat(patchPath)).size });
      repo = repoSummary(repoState, result);
    } catch (error) {
      repo = { error: redact((error as Error).message) };
    }
  }
  envt.workspaceSnapshots?.set(runtimeSessionId, after);
  if (envt.s3 && changed.length > 0) emit({ type: 'upload', count: changed.length, destination: `s3://${envt.s3.bucket}/${outputPrefix(startedAt, invocationId)}` });
  const delivered = await deliver({ s3: envt.s3, redact, runtimeSessionId, invocationId, startedAt }, dirs.workspace, changed, artifacts, skipped);
  const update = { prompt: request.prompt, claudeSessionId: run.claudeSessionId, previous, costUsd: session.total_cost_usd };
  const persisted = !envt.sessionStore
    ? undefined
    : envt.persistence === 'session-storage'
      ? saveRecordOnly(envt.sessionStore, runtimeSessionId, { ...update, fileCount: countFiles(after) })
      : saveSession(envt.sessionStore, envt.workspaceRoot, runtimeSessionId, update);
  const common = {
    session,
    files: delivered.files,
    upload_errors: delivered.upload_errors,
    output: delivered.output,
    transcript: delivered.artifacts.get(TRANSCRIPT_FILE),
    ...(repo ? { repo: 'error' in repo ? repo : { ...repo, ...(delivered.artifacts.has(PATCH_FILE) ? { patch: delivered.artifacts.get(PATCH_FILE) } : {}) } } : {}),
    ...(persisted ? { session_saved: { saved: 'pending' as const } } : {}),
  };

  // A non-error result is a success even if the process then exited oddly (logged via stderr).
  if (!run.result || run.result.is_error) {
    const result = run.result;
    const subtype = failureSubtype(result, signal.aborted);
    const resultErrors = result && 'errors' in result ? result.errors : undefined;
    const resultText = result && 'result' in result && result.result ? result.result : undefined;
    const maxTurns = subtype === 'error_max_turns' ? `Stopped after reaching max_turns (${request.maxTurns})` : undefined;
    const overBudget = subtype === 'error_max_budget_usd'
      ? `Stopped after reaching max_budget_usd ($${budget}): spent $${session.total_cost_usd.toFixed(4)}; the work so far is delivered`
      : undefined;
    const message = resultText ?? maxTurns ?? overBudget ?? (resultErrors?.length ? resultErrors.join('; ') : undefined) ?? run.failure?.message ?? 'Claude Code ended without a result';
    return {
      persisted,
      reply: {
        result: message,
        is_error: true,
        subtype,
        error: `Agent run failed (${subtype}): ${message}`,
        details: { reason: run.failure && resultText === undefined ? run.failure.message : message, stderr_tail: run.stderrTail, errors: resultErrors },
        ...common,
      },
    };
  }
  return {
    persisted,
    reply: {
      result: 'result' in run.result ? run.result.result : '',
      is_error: false,
      subtype: run.result.subtype,
      ...common,
    },
  };
}

/** A Claude Code session id (a UUID): the only form that may reach Claude Code's `--resume`. */
const CLAUDE_SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The newest Claude session kept in the session's config dir (`projects/<cwd>/<id>.jsonl`), for a
 * server that has not run this session yet but finds its files (a local server started again on the
 * same workspace root). The dir is the agent's, so only a UUID-shaped id is taken.
 */
async function latestClaudeSession(configDir: string): Promise<string | undefined> {
  let newest: { id: string; mtimeMs: number } | undefined;
  const projects = join(configDir, 'projects');
  for (const project of await readdir(projects).catch(() => [] as string[])) {
    for (const file of await readdir(join(projects, project)).catch(() => [] as string[])) {
      const id = file.endsWith('.jsonl') ? file.slice(0, -'.jsonl'.length) : '';
      if (!CLAUDE_SESSION_ID.test(id)) continue;
      const info = await stat(join(projects, project, file)).catch(() => undefined);
      if (info?.isFile() && (!newest || info.mtimeMs > newest.mtimeMs)) newest = { id, mtimeMs: info.mtimeMs };
    }
  }
  return newest?.id;
}

/** Workspace paths that are the server's bookkeeping, never the agent's outputs. */
function isBookkeeping(relativePath: string): boolean {
  const posix = relativePath.split(sep).join('/');
  return posix === '.git' || posix.startsWith('.git/') || posix.startsWith(`${WORKSPACE_SKILLS_DIR.split(sep).join('/')}/`);
}

/**
 * Restore the session from S3 when this server has never run it and its workspace is empty (a new
 * microVM): the workspace, and the Claude session to resume.
 * @returns the session's saved record (undefined for a new session or without a store).
 */
async function restoreSession(envt: InvocationEnvironment, sessionId: string, workspace: string, emit: (event: AgentEvent) => void): Promise<{ record?: SessionRecord; restored: boolean }> {
  const store = envt.sessionStore;
  if (!store) return { restored: false };
  const key = sessionDirName(sessionId);
  const signal = AbortSignal.timeout(SESSION_STORE_DEADLINE_MS);
  if (envt.claudeSessions.has(sessionId) || (await readdir(workspace)).length > 0) return { record: await store.record(key, { signal }).catch(() => undefined), restored: false };
  const owner = envt.identity ? { uid: envt.identity.uid, gid: envt.identity.gid } : undefined;
  const restored = await store.restore(key, envt.workspaceRoot, sessionParts(sessionId), { signal, owner }).catch((error: unknown) => {
    emit({ type: 'text', text: `Could not restore session ${sessionId} from S3: ${(error as Error).message}` });
    return undefined;
  });
  if (!restored) return { restored: false };
  if (restored.record?.claude_session_id) envt.claudeSessions.set(sessionId, restored.record.claude_session_id);
  emit({
    type: 'restore',
    files: restored.fileCount,
    refused: restored.refused.map((r) => `${r.path}: ${r.reason}`),
    ...(restored.refusal ? { refusal: restored.refusal.code } : {}),
    ...(restored.sanitized.length > 0 ? { sanitized: restored.sanitized.map((s) => `${s.path}: ${s.dropped ?? `removed ${s.removed.join(', ')}`}`) } : {}),
  });
  return { record: restored.record, restored: true };
}

/** The session's directories relative to the workspace root (see workspace.ts for the layout). */
export function sessionParts(sessionId: string): string[] {
  const name = sessionDirName(sessionId);
  return [name, `.claude-sessions/${name}`];
}

/**
 * Save the session's archive (and record); never rejects (a failure is the returned value).
 * `update.invocation: false` for an explicit export (`{"action":"export"}`), which counts no invocation.
 */
export async function saveSession(store: SessionStore, workspaceRoot: string, sessionId: string, update: Omit<SaveUpdate, 'signal' | 'runtimeSessionId'>): Promise<SessionSaved> {
  try {
    const record = await store.save(sessionDirName(sessionId), workspaceRoot, sessionParts(sessionId), {
      ...update, runtimeSessionId: sessionId, signal: AbortSignal.timeout(SESSION_STORE_DEADLINE_MS),
    });
    return { saved: true, file_count: record.file_count, ...(record.archive ? { archive_key: record.archive.base.key } : {}) };
  } catch (error) {
    return { saved: false, error: (error as Error).message };
  }
}

/** Session storage: write the session's record only (the files stay on the mount); never rejects. */
async function saveRecordOnly(store: SessionStore, sessionId: string, update: Omit<SaveUpdate, 'signal' | 'runtimeSessionId'> & { fileCount: number }): Promise<SessionSaved> {
  try {
    const record = await store.saveRecord(sessionDirName(sessionId), {
      ...update, storage: 'session-storage', runtimeSessionId: sessionId, signal: AbortSignal.timeout(SESSION_STORE_DEADLINE_MS),
    });
    return { saved: true, file_count: record.file_count, storage: 'session-storage' };
  } catch (error) {
    return { saved: false, error: (error as Error).message };
  }
}

/** Regular files in a workspace snapshot (it holds only regular files). */
function countFiles(snapshot: Snapshot): number {
  return snapshot.size;
}

function repoSummary(state: RepoState, result: RepoResult): NonNullable<AgentResponse['repo']> {
  return {
    work_branch: state.workBranch,
    base: state.baseSha,
    commit: result.commit ?? null,
    pushed: result.pushed,
    changed_files: result.changedFiles.map((file) => ({ ...file })),
  };
}

/**
 * The reply's `subtype` for a failed run: the SDK result's error subtype (`error_max_turns`, …);
 * `error_result` for an error result the SDK labels `success` (e.g. the API refused the
 * credentials); `error_aborted` / `error_process` when no result came (aborted, process died).
 */
function failureSubtype(result: { subtype: string; is_error: boolean } | undefined, aborted: boolean): string {
  if (result?.is_error) return result.subtype === 'success' ? 'error_result' : result.subtype;
  return aborted ? 'error_aborted' : 'error_process';
}

function failed(
  ids: { runtimeSessionId: string; invocationId: string; claudeSessionId?: string },
  startedAt: Date,
  workspace: string,
  subtype: string,
  message: string,
  details: { reason: string },
): AgentResponse {
  return {
    result: message,
    is_error: true,
    subtype,
    error: message,
    details,
    session: sessionInfo(ids, undefined, Date.now() - startedAt.getTime()),
    files: [],
    upload_errors: [],
    output: { location: 'local', path: workspace, reason: 'the run did not start' },
  };
}
