/**
 * The project state: `.agentcore-claude/deployments.json` at the project root, one record per
 * deployment (`deploy` adds or updates its agent's record, `destroy` removes it), read by every
 * other command (flags override it). Schema only; finding, reading (with migration of the old
 * one-agent `deployment.json`) and writing live in `src/io/state-file.ts`.
 */
import type { DeploymentState } from './state-schema.js';

/** The project's directory of local state (also holds `invoke --local` workspaces). */
export const STATE_DIR_NAME = '.agentcore-claude';
/** The state file, relative to the project root. */
export const STATE_FILE_NAME = `${STATE_DIR_NAME}/deployments.json`;
/** The one-agent state file of earlier versions, relative to the project root; read and migrated. */
export const LEGACY_STATE_FILE_NAME = 'deployment.json';

export type { DeploymentState, StateFile } from './state-schema.js';

/** True when two records are the same deployment: same agent name, region and account. */
export function sameDeployment(a: Pick<DeploymentState, 'name' | 'region' | 'account'>, b: Pick<DeploymentState, 'name' | 'region' | 'account'>): boolean {
  return a.name === b.name && a.region === b.region && a.account === b.account;
}
