// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * Runtime session ids: they select the agent's workspace and, on AgentCore, the microVM.
 *
 * AgentCore's own constraint (InvokeAgentRuntime request `runtimeSessionId` and the response's
 * `runtimeSessionId`, both the shape `com.amazonaws.bedrockagentcore#SessionType`: length 33–256,
 * no pattern; service model `bedrock-agentcore.json` in aws-sdk-js-v3 codegen/sdk-codegen/aws-models,
 * https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_InvokeAgentRuntime.html).
 *
 * The CLI creates and accepts ids that are also plain directory and S3 key names (letters, digits,
 * `-`, `_`, at most {@link MAX_PLAIN_SESSION_ID_LENGTH}); the agent server accepts any id AgentCore
 * accepts and hashes the others into `h-<sha256>` names (container/src/workspace.ts). Pure, no zod.
 */

/** AgentCore's minimum `runtimeSessionId` length (SessionType `min`). */
export const MIN_SESSION_ID_LENGTH = 33;
/** AgentCore's maximum `runtimeSessionId` length (SessionType `max`). */
export const MAX_SESSION_ID_LENGTH = 256;
/** Longest id used unchanged as a directory / S3 key name (longer ones are hashed by the server). */
export const MAX_PLAIN_SESSION_ID_LENGTH = 128;
/** A plain session id: used as its own directory and key name. */
export const PLAIN_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** The agent server's hashed session names; a plain id of this form is hashed too (injective naming). */
export const HASHED_SESSION_NAME = /^h-[0-9a-f]{64}$/;

/** Why `id` is not a `runtimeSessionId` AgentCore accepts (length 33–256), or `undefined`. */
export function agentCoreSessionIdProblem(id: string): string | undefined {
  if (id.length < MIN_SESSION_ID_LENGTH || id.length > MAX_SESSION_ID_LENGTH) {
    return `must be ${MIN_SESSION_ID_LENGTH}-${MAX_SESSION_ID_LENGTH} characters (AgentCore runtimeSessionId); got ${id.length}`;
  }
  return undefined;
}

/**
 * Why `id` is not a session id the CLI accepts, or `undefined`: AgentCore's length (33–256), and
 * a plain name ({@link PLAIN_SESSION_ID}, so at most 128 characters) not of the hashed form.
 */
export function cliSessionIdProblem(id: string): string | undefined {
  if (id.length < MIN_SESSION_ID_LENGTH || id.length > MAX_PLAIN_SESSION_ID_LENGTH) {
    return `must be ${MIN_SESSION_ID_LENGTH}-${MAX_PLAIN_SESSION_ID_LENGTH} characters (AgentCore's minimum is ${MIN_SESSION_ID_LENGTH}); got ${id.length}`;
  }
  if (!PLAIN_SESSION_ID.test(id)) return 'may contain only letters, digits, "-" and "_", starting with a letter or digit';
  if (HASHED_SESSION_NAME.test(id)) return 'must not have the form h-<64 hex digits> (reserved by the agent server for hashed session names)';
  return undefined;
}
