/**
 * AgentCore data plane, beyond invoking the agent: stop a runtime session (`StopRuntimeSession`)
 * and run a shell command in a live one (`InvokeAgentRuntimeCommand`).
 *
 * Sources (Amazon Bedrock AgentCore API reference and developer guide):
 * - StopRuntimeSession: `POST /runtimes/{agentRuntimeArn}/stopruntimesession?qualifier=…`, the
 *   session id in `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` (33–256 characters), an optional
 *   idempotency `clientToken` in the JSON body; the answer carries the session id and the HTTP
 *   status. The session ends at once (its microVM is stopped, which sends the agent's process
 *   SIGTERM); managed session storage survives a stop ("Stop a running session",
 *   runtime-stop-session; "File system configurations", runtime-filesystem-configurations).
 * - InvokeAgentRuntimeCommand: `POST /runtimes/{agentRuntimeArn}/commands`, body
 *   `{"command": <1–65,536 characters>, "timeout": <1–3,600 s, default 300>}`; the command runs in a
 *   fresh shell in the session's container ("same container, filesystem, and environment as your
 *   agent"); the answer is an event stream of `chunk` events: `contentStart`, then `contentDelta`
 *   (`stdout` / `stderr` text), then `contentStop` (`exitCode`: 0 success, > 0 the command's, -1 a
 *   platform error; `status`: `COMPLETED` | `TIMED_OUT`) ("Execute shell commands in AgentCore
 *   Runtime sessions", runtime-execute-command; API_InvokeAgentRuntimeCommandStreamOutput).
 * The SDK names the operation's command class `InvokeAgentRuntimeCommandCommand`.
 */
import { InvokeAgentRuntimeCommandCommand, StopRuntimeSessionCommand, type BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';

/** Longest command InvokeAgentRuntimeCommand accepts (characters). */
export const MAX_COMMAND_CHARS = 65_536;
/** InvokeAgentRuntimeCommand's `timeout` range and default, in seconds. */
export const COMMAND_TIMEOUT_SECONDS = { min: 1, max: 3600, default: 300 } as const;

export const STOP_ACTION = 'bedrock-agentcore:StopRuntimeSession';
export const COMMAND_ACTION = 'bedrock-agentcore:InvokeAgentRuntimeCommand';

/**
 * StopRuntimeSession.
 * @returns the HTTP status AgentCore answered with (200)
 * @throws the SDK's error as is (ResourceNotFoundException for an unknown or ended session).
 */
export async function stopRuntimeSession(client: BedrockAgentCoreClient, request: { runtimeArn: string; runtimeSessionId: string; qualifier?: string }): Promise<number> {
  const out = await client.send(new StopRuntimeSessionCommand({
    agentRuntimeArn: request.runtimeArn,
    runtimeSessionId: request.runtimeSessionId,
    qualifier: request.qualifier ?? 'DEFAULT',
  }));
  return out.statusCode ?? 200;
}

/** One piece of a command's output, as it streams. */
export type CommandOutput = { stream: 'stdout' | 'stderr'; text: string };

/** How a command ended (`contentStop`). */
export interface CommandEnd {
  /** The command's exit code; -1 is a platform error. */
  exitCode: number;
  status: 'COMPLETED' | 'TIMED_OUT' | string;
}

/**
 * InvokeAgentRuntimeCommand: run `command` in the session and stream its output to `onOutput`.
 * @returns how it ended; `undefined` exitCode never happens (a stream without `contentStop` throws)
 * @throws the SDK's error as is, or an exception event of the stream (its `name` is the AWS error).
 */
export async function runSessionCommand(
  client: BedrockAgentCoreClient,
  request: { runtimeArn: string; runtimeSessionId: string; qualifier?: string; command: string; timeoutSeconds?: number; signal?: AbortSignal },
  onOutput: (output: CommandOutput) => void,
): Promise<CommandEnd> {
  const out = await client.send(
    new InvokeAgentRuntimeCommandCommand({
      agentRuntimeArn: request.runtimeArn,
      runtimeSessionId: request.runtimeSessionId,
      qualifier: request.qualifier ?? 'DEFAULT',
      contentType: 'application/json',
      accept: 'application/vnd.amazon.eventstream',
      body: { command: request.command, ...(request.timeoutSeconds !== undefined ? { timeout: request.timeoutSeconds } : {}) },
    }),
    { abortSignal: request.signal },
  );
  let end: CommandEnd | undefined;
  for await (const event of out.stream ?? []) {
    const chunk = event.chunk;
    if (!chunk) {
      // An exception member of the event stream: the SDK normally throws these itself.
      const [name, value] = Object.entries(event).find(([, v]) => v !== undefined) ?? ['UnknownError', {}];
      throw Object.assign(new Error((value as { message?: string })?.message ?? name), { name: name.charAt(0).toUpperCase() + name.slice(1) });
    }
    if (chunk.contentDelta?.stdout) onOutput({ stream: 'stdout', text: chunk.contentDelta.stdout });
    if (chunk.contentDelta?.stderr) onOutput({ stream: 'stderr', text: chunk.contentDelta.stderr });
    if (chunk.contentStop) end = { exitCode: chunk.contentStop.exitCode ?? -1, status: chunk.contentStop.status ?? 'COMPLETED' };
  }
  if (!end) throw Object.assign(new Error('The command output ended without contentStop (no exit code).'), { name: 'IncompleteStream' });
  return end;
}
