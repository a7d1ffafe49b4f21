/**
 * The project state file `.agentcore-claude/deployments.json` (schema in `core/state.ts`): found
 * from any subdirectory of the project by walking up as git and npm do, read with the old
 * one-agent `deployment.json` migrated into it, and written atomically (a temp file beside it,
 * then a rename), so a crash or Ctrl-C never leaves a half-written file.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILE_NAME } from '../core/config.js';
import { CliError, ExitCode } from '../core/errors.js';
import { LEGACY_STATE_FILE_NAME, STATE_FILE_NAME, sameDeployment, type DeploymentState, type StateFile } from '../core/state.js';

/** Where the project's state lives. */
export interface StateLocation {
  /** The project root: the nearest directory (upwards from cwd) holding state or a config file; else cwd. */
  root: string;
  /** The state file (it may not exist yet). */
  path: string;
  /** The old one-agent `deployment.json` at the root, when one exists (it is migrated on read). */
  legacyPath?: string;
}

/**
 * Find the project's state. `$AGENTCORE_CLAUDE_STATE` names the file directly. Otherwise the
 * nearest directory from `cwd` upwards that holds `.agentcore-claude/deployments.json`, an old
 * `deployment.json` or `agentcore-claude.yaml` is the root; the walk stops at the first directory
 * holding `.git` (the repository's top) and at the filesystem root. None found: `cwd` is the root.
 */
export function locateState(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StateLocation {
  if (env.AGENTCORE_CLAUDE_STATE) {
    const path = resolve(cwd, env.AGENTCORE_CLAUDE_STATE);
    return { root: dirname(path), path };
  }
  const root = projectRoot(cwd);
  const legacy = join(root, LEGACY_STATE_FILE_NAME);
  return { root, path: join(root, STATE_FILE_NAME), legacyPath: existsSync(legacy) ? legacy : undefined };
}

/** The project root for `cwd` (see {@link locateState}). */
export function projectRoot(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    if ([STATE_FILE_NAME, LEGACY_STATE_FILE_NAME, CONFIG_FILE_NAME].some((name) => existsSync(join(dir, name)))) return dir;
    const parent = dirname(dir);
    if (existsSync(join(dir, '.git')) || parent === dir) return resolve(cwd);
    dir = parent;
  }
}

/**
 * Every recorded deployment. An old `deployment.json` at the root is merged in, the state file
 * written, and the old file renamed to `deployment.migrated.json` (reported through `onMigrate`).
 * @returns [] when there is no state yet.
 * @throws CliError (exit 2, `BAD_STATE`) when a file is not valid JSON or not a state file.
 */
export async function loadDeployments(location: StateLocation, onMigrate?: (from: string, to: string) => void): Promise<DeploymentState[]> {
  const deployments = (await readStateFile(location.path))?.deployments ?? [];
  if (!location.legacyPath) return deployments;
  const legacy = await parseRecord(await readJson(location.legacyPath), location.legacyPath);
  if (!deployments.some((d) => sameDeployment(d, legacy))) deployments.push(legacy);
  await writeStateFile(location.path, { version: 2, deployments });
  const moved = join(dirname(location.legacyPath), 'deployment.migrated.json');
  await rename(location.legacyPath, moved);
  onMigrate?.(location.legacyPath, location.path);
  return deployments;
}

/**
 * Record `state` in the state file at `path`: replaces the record of the same deployment (agent
 * name, region, account), else appends it.
 */
export async function writeState(path: string, state: DeploymentState): Promise<void> {
  const deployments = (await readStateFile(path))?.deployments ?? [];
  const index = deployments.findIndex((d) => sameDeployment(d, state));
  if (index >= 0) deployments[index] = state;
  else deployments.push(state);
  await writeStateFile(path, { version: 2, deployments });
}

/**
 * Remove the record of `state` from the state file at `path` (after `destroy`), keeping a copy
 * of it beside the file as `destroyed-<name>-<region>-<UTC stamp>.json`.
 * @returns the path of that copy.
 */
export async function removeState(path: string, state: DeploymentState, now = new Date()): Promise<string> {
  const deployments = ((await readStateFile(path))?.deployments ?? []).filter((d) => !sameDeployment(d, state));
  await writeStateFile(path, { version: 2, deployments });
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const copy = join(dirname(path), `destroyed-${state.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${state.region}-${stamp}.json`);
  await writeFileAtomic(copy, `${JSON.stringify(state, null, 2)}\n`);
  return copy;
}

/** The path as shown to users: relative to `cwd` when inside it or close by. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('../../') ? rel : path;
}

async function readStateFile(path: string): Promise<StateFile | undefined> {
  if (!existsSync(path)) return undefined;
  const json = await readJson(path);
  // $AGENTCORE_CLAUDE_STATE may name an old one-agent file: read it as one record.
  if ((json as { version?: unknown })?.version === 1) return { version: 2, deployments: [await parseRecord(json, path)] };
  // The schema (zod) is loaded only when there is a file to check (start-up time).
  const { stateFileSchema } = await import('../core/state-schema.js');
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) throw badState(path, parsed.error.issues[0]);
  return parsed.data;
}

async function parseRecord(json: unknown, path: string): Promise<DeploymentState> {
  const { deploymentStateSchema } = await import('../core/state-schema.js');
  const parsed = deploymentStateSchema.safeParse(json);
  if (!parsed.success) throw badState(path, parsed.error.issues[0]);
  return parsed.data;
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, {
      exitCode: ExitCode.Usage,
      hint: 'Fix or remove the file; `agentcore-claude deploy` records the deployment again.',
      code: 'BAD_STATE',
    });
  }
}

function badState(path: string, issue: { path: PropertyKey[]; message: string } | undefined): CliError {
  return new CliError(`${path} is not an agentcore-claude state file: ${issue?.path.map(String).join('.')}: ${issue?.message}`, {
    exitCode: ExitCode.Usage,
    hint: 'Fix or remove the file; `agentcore-claude deploy` records the deployment again.',
    code: 'BAD_STATE',
  });
}

async function writeStateFile(path: string, content: StateFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`);
}

/** Write `content` to `path` through a temp file in the same directory and a rename. */
export async function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, content, { mode });
  await rename(temp, path);
}
