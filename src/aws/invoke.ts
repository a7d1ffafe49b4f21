/**
 * AgentCore data plane: `InvokeAgentRuntime` with a streamed (SSE) answer, and translation of its
 * errors into {@link CliError}s that say what to do. (Runtime session ids: core/runtime-session.ts.)
 */
import { InvokeAgentRuntimeCommand, type BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { GetAgentRuntimeCommand, type BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { parseRuntimeArn } from '../core/arn.js';
import { CliError, ExitCode, errorMessage } from '../core/errors.js';
import { translateAwsError } from './aws-errors.js';

/**
 * Client-side deadline of one invocation by default: 60 minutes, AgentCore's own maximum for a
 * streaming connection (its quota "Streaming maximum duration"; a synchronous request ends at 15).
 */
export const DEFAULT_INVOKE_TIMEOUT_MS = 60 * 60_000;

/** The IAM action an invocation needs (named in access-denied errors). */
export const INVOKE_ACTION = 'bedrock-agentcore:InvokeAgentRuntime';

export interface InvokeRuntimeRequest {
  runtimeArn: string;
  /** Runtime endpoint; default `DEFAULT`. */
  qualifier?: string;
  runtimeSessionId: string;
  /** The agent's request payload (serialized as JSON). */
  payload: unknown;
  /** What to ask for; default `text/event-stream` (live progress events). */
  accept?: string;
  /** Aborts the call and the body stream (deadline, Ctrl-C). */
  signal?: AbortSignal;
}

export interface RuntimeInvocation {
  /** The session id AgentCore answered with (the one sent, normally). */
  runtimeSessionId: string;
  /** Content type of the body: `text/event-stream` when the agent streams, else JSON. */
  contentType: string;
  /** The body, as it arrives. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * Call `InvokeAgentRuntime` and return as soon as the answer's headers arrive; the body streams.
 * No client-side socket/request timeout applies (the SDK's Node handler has none by default);
 * bound the call with `signal` instead. Throttling is retried by the client's adaptive retry mode.
 * @throws the SDK's error as is; translate it with {@link translateInvokeError}.
 */
export async function invokeAgentRuntime(client: BedrockAgentCoreClient, request: InvokeRuntimeRequest): Promise<RuntimeInvocation> {
  const output = await client.send(
    new InvokeAgentRuntimeCommand({
      agentRuntimeArn: request.runtimeArn,
      qualifier: request.qualifier ?? 'DEFAULT',
      runtimeSessionId: request.runtimeSessionId,
      contentType: 'application/json',
      accept: request.accept ?? 'text/event-stream',
      payload: new TextEncoder().encode(JSON.stringify(request.payload)),
    }),
    { abortSignal: request.signal },
  );
  if (!output.response) throw new CliError('AgentCore answered InvokeAgentRuntime without a body.', { code: 'EMPTY_RESPONSE' });
  return {
    runtimeSessionId: output.runtimeSessionId ?? request.runtimeSessionId,
    contentType: output.contentType ?? 'application/json',
    body: output.response as AsyncIterable<Uint8Array>,
  };
}

export interface InvokeErrorContext {
  runtimeArn: string;
  region: string;
  /** Control-plane client to look up the runtime's status when the call failed. */
  control?: BedrockAgentCoreControlClient;
  /** The signal the call ran with: when it fired, its reason says deadline or interruption. */
  signal?: AbortSignal;
  /** The deadline in ms (for the message). */
  timeoutMs?: number;
}

/**
 * Translate an InvokeAgentRuntime failure into a CliError with the next step:
 * - AccessDeniedException → exit 3, names `bedrock-agentcore:InvokeAgentRuntime`;
 * - a runtime that exists but is not `READY` (looked up with GetAgentRuntime) → exit 3 with its status;
 * - ResourceNotFoundException → exit 3, run `deploy` or pass `--runtime-arn`/`--region`;
 * - RuntimeClientError (the container answered with an error) → exit 1, see `logs`;
 * - ThrottlingException left after the SDK's adaptive retries → exit 3;
 * - the deadline (`signal` aborted with a TimeoutError) → exit 3, naming `--timeout`; another
 *   abort (Ctrl-C) → exit 130.
 */
export async function translateInvokeError(error: unknown, context: InvokeErrorContext): Promise<CliError> {
  if (error instanceof CliError) return error;
  const name = (error as Error)?.name ?? '';
  const message = errorMessage(error);
  const where = `${context.runtimeArn} (${context.region})`;
  if (context.signal?.aborted || name === 'AbortError' || name === 'TimeoutError') {
    const reason = (context.signal?.reason as Error | undefined)?.name ?? name;
    if (reason === 'TimeoutError') {
      const within = context.timeoutMs === undefined ? 'in time' : `within ${Math.round(context.timeoutMs / 1000)} s`;
      return new CliError(`No answer from the agent ${within}; the run may still be going on in AWS.`, {
        hint: 'Pass a longer --timeout (e.g. --timeout 90m), and check `agentcore-claude logs` and `agentcore-claude download` for its outputs.',
        code: 'TIMEOUT',
        cause: error,
      });
    }
    return new CliError('The invocation was interrupted.', { exitCode: ExitCode.Interrupted, code: 'INTERRUPTED', cause: error });
  }
  if (name === 'AccessDeniedException') {
    return new CliError(`Access denied calling InvokeAgentRuntime on ${where}: ${message}`, {
      hint: `Your AWS identity needs the IAM permission ${INVOKE_ACTION} on this runtime (and its runtime-endpoint/*); use another --profile or ask an administrator.`,
      code: 'ACCESS_DENIED',
      cause: error,
    });
  }
  if (name === 'RuntimeClientError') {
    return new CliError(`The agent runtime answered with an error: ${message}`, {
      exitCode: ExitCode.AgentError,
      hint: 'See what the agent logged: agentcore-claude logs --since 15m',
      code: 'AGENT_ERROR',
      cause: error,
    });
  }
  if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException') {
    return new CliError(`AgentCore throttled the invocation even after retries: ${message}`, {
      hint: 'Wait a little and run the command again; fewer parallel invocations help.',
      code: 'THROTTLED',
      cause: error,
    });
  }
  const status = context.control ? await runtimeStatus(context.control, context.runtimeArn) : undefined;
  if (status && status.status !== 'READY' && status.status !== 'NOT_FOUND') {
    return new CliError(`The agent runtime is ${status.status}, not READY${status.failureReason ? `: ${status.failureReason}` : ''}.`, {
      hint: status.status.endsWith('FAILED') ? 'Fix the cause and run `agentcore-claude deploy` again.' : 'Wait for it to become READY (`agentcore-claude info`), then retry.',
      code: 'RUNTIME_NOT_READY',
      cause: error,
    });
  }
  if (name === 'ResourceNotFoundException' || status?.status === 'NOT_FOUND') {
    return new CliError(`No agent runtime ${where}: ${message}`, {
      hint: 'Run `agentcore-claude deploy` first, or pass --region / --runtime-arn for an existing runtime.',
      code: 'RUNTIME_NOT_FOUND',
      cause: error,
    });
  }
  return translateAwsError(error, INVOKE_ACTION, `InvokeAgentRuntime on ${where}`);
}

/** The runtime id in a runtime ARN (`arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>`); anything else is taken as the id. */
export function runtimeIdFromArn(arn: string): string {
  return parseRuntimeArn(arn)?.runtimeId ?? arn;
}

async function runtimeStatus(control: BedrockAgentCoreControlClient, arn: string): Promise<{ status: string; failureReason?: string } | undefined> {
  try {
    const runtime = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: runtimeIdFromArn(arn) }));
    return { status: runtime.status ?? 'UNKNOWN', failureReason: runtime.failureReason };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return { status: 'NOT_FOUND' };
    return undefined;
  }
}
