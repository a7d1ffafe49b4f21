/**
 * The agent server's reading of the `POST /invocations` payload: the protocol's strict parser
 * (vendor/protocol/payload.ts: fields, grammars, `details.issues: [{field, message}]` refusals)
 * with the server's one setting, whether payloads may name `file://` repositories.
 */
import { parseInvocationPayload as parsePayload, type InvocationRequest, type ParseOptions, type StatusRequest, type ExportRequest } from './vendor/protocol/payload.js';

export {
  DEFAULT_MAX_TURNS,
  MAX_PROMPT_CHARS,
  MAX_BUDGET_USD_LIMIT,
  MAX_TURNS_LIMIT,
  PAYLOAD_ACTIONS,
  PayloadError,
  type InvocationRequest,
  type ParseOptions,
  type PayloadIssue,
  type StatusRequest,
  type ExportRequest,
} from './vendor/protocol/payload.js';
export { DEFAULT_PERMISSION_MODE, PERMISSION_MODE_ALIASES, PERMISSION_MODES, type PermissionMode } from './vendor/protocol/permission-modes.js';

/** Environment variable that lets payloads name `file://` repositories (local development: `dev`, `invoke --local`). */
export const FILE_REPOS_ENV = 'AGENT_ALLOW_FILE_REPOS';

/** True when `env` enables `file://` repositories: `AGENT_ALLOW_FILE_REPOS=1`. */
export function fileReposAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[FILE_REPOS_ENV] === '1';
}

/**
 * Parse and validate a request body (already size-checked); see the protocol's `parseInvocationPayload`.
 * @param options default: `allowFileRepos` = {@link fileReposAllowed}() (read at each call).
 * @throws PayloadError (400) with `details.issues` naming each field and rule.
 */
export function parseInvocationPayload(body: string, options: ParseOptions = { allowFileRepos: fileReposAllowed() }): InvocationRequest | StatusRequest | ExportRequest {
  return parsePayload(body, options);
}
