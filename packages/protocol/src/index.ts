/**
 * `@agentcore-claude/protocol`: what the CLI, the agent server and the HTTP API's Lambda bridge
 * say to each other — one truth, one file per family:
 * - payload.ts: the `POST /invocations` payload and its strict validation (grammar.ts, tools.ts,
 *   permission-modes.ts);
 * - reply.ts, events.ts, run-status.ts: the JSON reply, the SSE events, the status reply;
 * - session-record.ts: the saved session's record in S3;
 * - headers.ts, session-id.ts, s3-layout.ts, sse.ts: header names, session id constraints, S3
 *   prefixes and output naming, SSE framing (zod-free: the bridge bundles them);
 * - models.ts: the region → Bedrock inference profile table and Claude Code's model pins.
 * Pure: no Node or AWS dependencies; zod only.
 */
export * from './events.js';
export * from './grammar.js';
export * from './headers.js';
export * from './models.js';
export * from './payload.js';
export * from './permission-modes.js';
export * from './reply.js';
export * from './run-status.js';
export * from './s3-layout.js';
export * from './session-id.js';
export * from './session-record.js';
export * from './sse.js';
export * from './tools.js';
