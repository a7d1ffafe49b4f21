/**
 * The project state file as tests read and write it (`.agentcore-claude/deployments.json`,
 * schema in src/core/state.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DeploymentState } from '../../src/core/state.js';

/** The state file of the project rooted at `dir`. */
export function statePathIn(dir: string): string {
  return join(dir, '.agentcore-claude', 'deployments.json');
}

/** Every recorded deployment of the project at `dir`. */
export function readDeployments(dir: string): DeploymentState[] {
  return (JSON.parse(readFileSync(statePathIn(dir), 'utf8')) as { deployments: DeploymentState[] }).deployments;
}

/** The one recorded deployment (or the one named `name`); throws when there is none. */
export function readDeployment(dir: string, name?: string): DeploymentState {
  const found = readDeployments(dir).filter((d) => name === undefined || d.name === name);
  if (found.length !== 1) throw new Error(`expected one recorded deployment${name ? ` named ${name}` : ''} in ${dir}, found ${found.length}`);
  return found[0]!;
}

/** Write the state file of the project at `dir` with exactly `deployments` (a missing artifact record: the container image, as `deploy` records it). */
export function writeDeployments(dir: string, deployments: Array<Omit<DeploymentState, 'artifact'> & { artifact?: DeploymentState['artifact'] }>): void {
  const path = statePathIn(dir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ version: 2, deployments: deployments.map((d) => ({ artifact: { type: 'container', tag: d.imageTag, location: d.imageUri }, ...d })) }, null, 2)}\n`);
}
