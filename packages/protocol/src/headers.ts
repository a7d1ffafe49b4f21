/**
 * HTTP header names every party uses. Pure constants (no zod): the Lambda bridge bundles them.
 */

/**
 * The runtime session id on `POST /invocations`, as AgentCore sends it to the container and as the
 * CLI sends it to a local agent server; the server echoes it in its reply. HTTP header names are
 * case-insensitive: Node's `IncomingMessage.headers` holds it as {@link SESSION_HEADER_KEY}.
 * Source: InvokeAgentRuntime (`runtimeSessionId` is bound to this header,
 * https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_InvokeAgentRuntime.html).
 */
export const SESSION_HEADER = 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id';
/** {@link SESSION_HEADER} in lower case: the key of Node's `req.headers` and `fetch` `Headers`. */
export const SESSION_HEADER_KEY = 'x-amzn-bedrock-agentcore-runtime-session-id';

/** The runtime session id the HTTP API's Lambda bridge used, on its reply. */
export const API_SESSION_HEADER = 'X-Runtime-Session-Id';
/** The API Gateway key header of `deploy --with-api`. */
export const API_KEY_HEADER = 'X-Api-Key';
