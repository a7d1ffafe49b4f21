/**
 * Acting on a live runtime session with AgentCore's own operations: stop it (`sessions stop`),
 * export its archive to S3 (`sessions export`), run a command in it (`exec`).
 */
import { randomBytes } from 'node:crypto';
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { readRunStatusObject } from '../aws/session-objects.js';
import { COMMAND_ACTION, MAX_COMMAND_CHARS, runSessionCommand, STOP_ACTION, stopRuntimeSession, type CommandEnd, type CommandOutput } from '../aws/runtime-session.js';
import { translateAwsError } from '../aws/aws-errors.js';
import { awsErrorName, waitUntil, type WaitDefaults, type WaitOptions } from '../aws/wait.js';
import { EXPORT_PAYLOAD, exportReplySchema, runStateSchema, type ExportReply, type RunState, type StatusReply } from '@agentcore-claude/protocol';
import { CliError, ExitCode, UsageError, errorMessage } from '../core/errors.js';
import { validateRuntimeSessionId } from '../core/runtime-session.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorForStatus } from './transports/agent-stream.js';
import type { AgentTransport } from './transports/transport.js';
import { callable } from './runs.js';

/** What `sessions stop` found and did. */
export interface StopOutcome {
  runtime_session_id: string;
  /** The run that was in progress when the stop was asked for, or null. */
  stopped_invocation_id: string | null;
  /** That run as the agent stored it after delivering (`runs/<id>.json`), or the last run when none was in progress. */
  run: RunState | null;
  /** True when the stored status of the stopped run was not there within the wait. */
  delivery_unconfirmed: boolean;
}

/**
 * The session's latest run as its agent stored it in `s3://<bucket>/runs/` (when a run starts and
 * when it ends), or undefined when none is stored or the object does not parse as this session's.
 * @throws CliError on S3 errors other than a missing object (translated, naming the IAM action).
 */
export async function storedRun(s3: S3Client, bucket: string, sessionId: string): Promise<RunState | undefined> {
  const object = await readRunStatusObject(s3, bucket, sessionId).catch((error: unknown) => {
    throw translateAwsError(error, 's3:GetObject', `Cannot read the stored run status of session ${sessionId} in s3://${bucket}/runs/`);
  });
  const stored = runStateSchema.safeParse(object);
  return stored.success && stored.data.runtime_session_id === sessionId ? stored.data : undefined;
}

/**
 * Stop the session (StopRuntimeSession; its agent gets SIGTERM and delivers), then read what the
 * agent stored: the run status `runs/<id>.json` of the run that was in progress.
 * @param before the session's latest stored run just before the stop ({@link storedRun}), to know which run to wait for
 * @param wait until when to wait for the stopped run's stored status (default 60 s from now; the
 *   agent has 25 s to deliver), read every 0.5 s
 * @throws CliError `SESSION_NOT_FOUND` (exit 2) when AgentCore has no such live session.
 */
export async function stopSession(
  client: BedrockAgentCoreClient,
  s3: S3Client,
  target: { runtimeArn: string; qualifier?: string; bucket: string },
  sessionId: string,
  before: StatusReply | undefined,
  wait: WaitOptions = {},
): Promise<StopOutcome> {
  validateRuntimeSessionId(sessionId);
  try {
    await stopRuntimeSession(client, { runtimeArn: target.runtimeArn, runtimeSessionId: sessionId, qualifier: target.qualifier });
  } catch (error) {
    throw sessionError(error, sessionId, STOP_ACTION, 'Cannot stop the session');
  }
  const running = before && before.status === 'running' ? before.invocation_id : null;
  const check = async (): Promise<StopOutcome | undefined> => {
    const run = (await storedRun(s3, target.bucket, sessionId)) ?? null;
    const done = running === null || (run?.invocation_id === running && run.status !== 'running');
    return done ? { runtime_session_id: sessionId, stopped_invocation_id: running, run, delivery_unconfirmed: false } : undefined;
  };
  const unconfirmed = new Error('not delivered in time');
  return waitUntil(check, { ...wait, deadline: wait.deadline ?? Date.now() + 60_000 }, DELIVERY_WAIT, () => unconfirmed).catch((error: unknown) => {
    if (error !== unconfirmed) throw error;
    return { runtime_session_id: sessionId, stopped_invocation_id: running, run: null, delivery_unconfirmed: true };
  });
}

/** The stored run status is read every 0.5 s while a stopped session delivers. */
const DELIVERY_WAIT: WaitDefaults = { minDelay: 0.5, maxDelay: 0.5 };

/**
 * Ask the agent serving the session to write its archive to S3 now (`{"action":"export"}`).
 * @throws CliError when the agent refuses (no bucket, a run in progress) or answers something else.
 */
export async function exportSession(transport: AgentTransport, sessionId: string, signal?: AbortSignal): Promise<ExportReply> {
  const agent = callable(transport, 'Exporting a session');
  const answer = await agent.call(EXPORT_PAYLOAD, { runtimeSessionId: validateRuntimeSessionId(sessionId), signal });
  if (answer.status >= 300) throw errorForStatus(answer.status, answer.body, agent.target);
  const reply = exportReplySchema.safeParse(answer.body);
  if (reply.success) return reply.data;
  throw new CliError(`The ${agent.target} does not know how to export a session: ${JSON.stringify(answer.body).slice(0, 300)}`, {
    hint: 'Redeploy the agent with this CLI version: `agentcore-claude deploy`.',
    code: 'BAD_AGENT_REPLY',
  });
}

/** Exit code the exec wrapper uses, with {@link NO_WORKSPACE_MARKER} on stderr, when the session's workspace is not there. */
export const NO_WORKSPACE_EXIT = 125;
/**
 * First line the wrapper writes to stderr when the session's workspace is missing, followed by
 * ` (<nonce>)`: a random token of that one call, so a command of the session (which may run what the
 * agent wrote) cannot print the same line and have its exit code taken for a gone session.
 */
export const NO_WORKSPACE_MARKER = 'agentcore-claude: no workspace for this session here';

/**
 * One POSIX `sh` word for `arg`: single-quoted, with `'` written as `'\''`. Used to send an argv
 * to the remote shell AgentCore runs the command with; nothing here runs a local shell.
 */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line sent for `exec --session <id> -- <argv…>`: change into the session's workspace
 * (`$WORKSPACE_ROOT/<id>`, default `/app/workspace`; a validated id is its own directory name) and
 * run argv with each argument quoted, so the words arrive as given (`-- sh -c '…'` for a pipeline).
 * When the workspace is not there — the microVM AgentCore picked does not hold this session (it
 * ended, or its storage was reset) — the wrapper prints `marker` (the call's {@link NO_WORKSPACE_MARKER}
 * with its nonce) and exits {@link NO_WORKSPACE_EXIT} without running anything; a workspace that is
 * a symbolic link is refused the same way (exit {@link NO_WORKSPACE_EXIT}, a message saying so).
 */
export function sessionCommandLine(sessionId: string, argv: readonly string[], marker: string = NO_WORKSPACE_MARKER): string {
  validateRuntimeSessionId(sessionId);
  const dir = `"\${WORKSPACE_ROOT:-/app/workspace}"/${shellQuote(sessionId)}`;
  // A workspace swapped for a symbolic link (the agent can write the folder above it on session
  // storage) is refused: the command may run as root and must not be led elsewhere.
  const refuseLink = `echo ${shellQuote('agentcore-claude: the session workspace is a symbolic link; refusing to enter it')} >&2; exit ${NO_WORKSPACE_EXIT}`;
  return `if [ -L ${dir} ]; then ${refuseLink}; elif [ -d ${dir} ]; then cd -P ${dir} || exit ${NO_WORKSPACE_EXIT}; else echo ${shellQuote(marker)} >&2; exit ${NO_WORKSPACE_EXIT}; fi; exec ${argv.map(shellQuote).join(' ')}`;
}

/**
 * Run argv in the session's workspace (InvokeAgentRuntimeCommand), streaming its output.
 * @returns how the command ended
 * @throws CliError `SESSION_GONE` (exit 2) when the session's workspace is not on the microVM that
 *   answered; `COMMAND_TIMED_OUT` (exit 3) when AgentCore stopped it at its timeout; the AWS error
 *   translated otherwise.
 */
export async function execInSession(
  client: BedrockAgentCoreClient,
  target: { runtimeArn: string; qualifier?: string },
  sessionId: string,
  argv: readonly string[],
  options: { timeoutSeconds?: number; signal?: AbortSignal; onOutput: (output: CommandOutput) => void },
): Promise<CommandEnd> {
  const marker = `${NO_WORKSPACE_MARKER} (${randomBytes(12).toString('hex')})`;
  const command = sessionCommandLine(sessionId, argv, marker);
  // Smithy measures a string's @length in Unicode code points, not UTF-16 units.
  const length = [...command].length;
  if (length > MAX_COMMAND_CHARS) {
    throw new UsageError(`The command is ${length.toLocaleString('en-US')} characters once quoted for the session's shell; InvokeAgentRuntimeCommand takes at most ${MAX_COMMAND_CHARS.toLocaleString('en-US')}.`, {
      hint: 'Write the long part to a file in the session (or have the agent do it) and run it as a script: agentcore-claude exec --session <id> -- sh ./script.sh',
      code: 'USAGE',
    });
  }
  let firstStderr: string | undefined;
  let end: CommandEnd;
  try {
    end = await runSessionCommand(
      client,
      { runtimeArn: target.runtimeArn, qualifier: target.qualifier, runtimeSessionId: sessionId, command, timeoutSeconds: options.timeoutSeconds, signal: options.signal },
      (output) => {
        if (output.stream === 'stderr' && firstStderr === undefined) {
          firstStderr = output.text;
          if (output.text.startsWith(marker)) return;
        }
        options.onOutput(output);
      },
    );
  } catch (error) {
    throw sessionError(error, sessionId, COMMAND_ACTION, 'Cannot run the command in the session');
  }
  if (end.exitCode === NO_WORKSPACE_EXIT && firstStderr?.startsWith(marker)) {
    throw new CliError(`Session ${sessionId} is gone: the agent's workspace for it is not there (the session ended or was stopped, and its files were not kept on session storage).`, {
      exitCode: ExitCode.Usage,
      hint: 'Its outputs stay in S3: `agentcore-claude download`, `agentcore-claude sessions`; continuing it with `invoke --session` restores its saved archive first.',
      code: 'SESSION_GONE',
    });
  }
  if (end.status === 'TIMED_OUT') {
    throw new CliError(`The command ran past its timeout in session ${sessionId} and was stopped by AgentCore (exit code ${end.exitCode}).`, {
      exitCode: ExitCode.Infrastructure,
      hint: 'Give it longer with --timeout (at most 1h).',
      code: 'COMMAND_TIMED_OUT',
    });
  }
  return end;
}

/** AgentCore's errors for a session operation, with what to do. */
function sessionError(error: unknown, sessionId: string, action: string, what: string): unknown {
  const name = awsErrorName(error);
  if (name === 'ResourceNotFoundException') {
    return new CliError(`${what}: AgentCore has no live session ${sessionId} (${errorMessage(error)}).`, {
      exitCode: ExitCode.Usage,
      hint: 'List saved sessions with `agentcore-claude sessions`; a stopped or expired session has nothing to act on.',
      code: 'NO_LIVE_SESSION',
      cause: error,
    });
  }
  if (name === 'ValidationException') {
    return new CliError(`${what}: AgentCore refused the request: ${errorMessage(error)}`, { exitCode: ExitCode.Usage, code: 'AWS_VALIDATION', cause: error });
  }
  if (error instanceof CliError) return error;
  return translateAwsError(error, action, what);
}
