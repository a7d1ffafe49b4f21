/**
 * AgentCore runtime names from agent names.
 *
 * CreateAgentRuntime requires `agentRuntimeName` to match `[a-zA-Z][a-zA-Z0-9_]{0,47}` (AgentCore
 * control plane API reference); agent names are friendlier (`my-agent`, `my.agent.v2`). The original
 * scripts replaced hyphens only, and broke on anything else.
 */
import { UsageError } from './errors.js';

/** The AgentCore constraint on runtime names. */
export const RUNTIME_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;
/** Maximum runtime name length (AgentCore API constraint). */
export const RUNTIME_NAME_MAX = 48;
/** Prefix added when the name does not start with a letter (e.g. `123abc` → `agent_123abc`). */
export const RUNTIME_NAME_PREFIX = 'agent_';

export interface SanitizedName {
  /** The runtime name: matches {@link RUNTIME_NAME_PATTERN}. */
  name: string;
  /** True when `name` differs from the agent name (callers print the mapping). */
  changed: boolean;
}

/**
 * Derive a valid runtime name from an agent name:
 * accents are dropped (`é` → `e`); each run of other characters outside `[a-zA-Z0-9_]` (hyphens,
 * dots, spaces, other unicode) becomes one `_`; leading/trailing `_` from that are trimmed; a name
 * not starting with a letter gets the prefix `agent_`; the result is truncated to 48 characters.
 * @throws UsageError (code `BAD_NAME`) when nothing usable is left (empty, only punctuation, only
 *   non-Latin letters), naming `--name`.
 */
export function sanitizeRuntimeName(agentName: string): SanitizedName {
  const ascii = agentName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let name = ascii.replace(/[^a-zA-Z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/[a-zA-Z0-9]/.test(name)) {
    throw new UsageError(`The agent name "${agentName}" gives no valid AgentCore runtime name.`, {
      hint: 'Pass --name with letters or digits, e.g. --name my-agent (runtime names match [a-zA-Z][a-zA-Z0-9_]{0,47}).',
      code: 'BAD_NAME',
    });
  }
  if (!/^[a-zA-Z]/.test(name)) name = `${RUNTIME_NAME_PREFIX}${name}`;
  name = name.slice(0, RUNTIME_NAME_MAX).replace(/_+$/, '');
  return { name, changed: name !== agentName };
}

/**
 * ECR repository name for a stack: the stack name in lower case with runs of hyphens collapsed
 * (ECR names must match `[a-z0-9]+(?:[._-][a-z0-9]+)*`; stack names match `[a-zA-Z][-a-zA-Z0-9]*`).
 */
export function repositoryNameForStack(stackName: string): string {
  return stackName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'agentcore-claude';
}

/** CloudFormation stack names: `[a-zA-Z][-a-zA-Z0-9]*`, at most 128 characters (CreateStack API). */
export const STACK_NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/** @throws UsageError naming `--stack-name` when `stackName` is not a valid stack name. */
export function validateStackName(stackName: string): string {
  if (!STACK_NAME_PATTERN.test(stackName)) {
    throw new UsageError(`"${stackName}" is not a valid CloudFormation stack name.`, {
      hint: 'Pass --stack-name with letters, digits and hyphens, starting with a letter (at most 128 characters).',
      code: 'BAD_STACK_NAME',
    });
  }
  return stackName;
}
