/**
 * Runtime session ids as the CLI makes and accepts them: the protocol's rules
 * (`@agentcore-claude/protocol` session-id.ts: AgentCore's `runtimeSessionId` length 33–256, and a
 * plain name of at most 128 characters the agent server uses unchanged), refused with usage errors.
 */
import { randomUUID } from 'node:crypto';
import { cliSessionIdProblem } from '@agentcore-claude/protocol';
import { UsageError } from './errors.js';

export { MAX_PLAIN_SESSION_ID_LENGTH as MAX_SESSION_ID_LENGTH, MIN_SESSION_ID_LENGTH } from '@agentcore-claude/protocol';

/** A new runtime session id: `session-<uuid>` (44 characters). */
export function newRuntimeSessionId(): string {
  return `session-${randomUUID()}`;
}

/**
 * Check a user-supplied `--session` value.
 * @throws UsageError (code `BAD_SESSION_ID`) saying which rule it breaks.
 */
export function validateRuntimeSessionId(id: string): string {
  const problem = cliSessionIdProblem(id);
  if (problem) {
    throw new UsageError(`--session ${problem}.`, {
      hint: 'Reuse the session id printed by an earlier invoke, or omit --session for a new session.',
      code: 'BAD_SESSION_ID',
    });
  }
  return id;
}
