/**
 * Runtime session ids: they select the agent's workspace (and, on AgentCore, the microVM).
 * AgentCore's InvokeAgentRuntime requires `runtimeSessionId` to be at least 33 characters; the
 * agent server uses it as a directory name, so only letters, digits, `-` and `_` are allowed
 * (the server accepts at most 128 characters).
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from './errors.js';

export const MIN_SESSION_ID_LENGTH = 33;
export const MAX_SESSION_ID_LENGTH = 128;
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** The agent server's hashed session names (container/src/workspace.ts `sessionDirName`). */
const HASHED_NAME = /^h-[0-9a-f]{64}$/;

/** A new runtime session id: `session-<uuid>` (44 characters). */
export function newRuntimeSessionId(): string {
  return `session-${randomUUID()}`;
}

/**
 * Check a user-supplied `--session` value.
 * @throws UsageError saying which rule it breaks.
 */
export function validateRuntimeSessionId(id: string): string {
  if (id.length < MIN_SESSION_ID_LENGTH || id.length > MAX_SESSION_ID_LENGTH) {
    throw new UsageError(`--session must be ${MIN_SESSION_ID_LENGTH}-${MAX_SESSION_ID_LENGTH} characters (AgentCore's minimum is ${MIN_SESSION_ID_LENGTH}); got ${id.length}.`, {
      hint: 'Reuse the session id printed by an earlier invoke, or omit --session for a new session.',
      code: 'BAD_SESSION_ID',
    });
  }
  if (!SESSION_ID.test(id)) {
    throw new UsageError('--session may contain only letters, digits, "-" and "_", starting with a letter or digit.', { code: 'BAD_SESSION_ID' });
  }
  if (HASHED_NAME.test(id)) {
    // The agent server names sessions with other ids `h-<sha256>`; such an id would not be its own name.
    throw new UsageError('--session must not have the form h-<64 hex digits> (reserved by the agent server for hashed session names).', { code: 'BAD_SESSION_ID' });
  }
  return id;
}
