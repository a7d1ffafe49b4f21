/**
 * Read and write `deployment.json` atomically (write a temp file beside it, then rename), so a
 * crash or Ctrl-C never leaves a half-written state file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, ExitCode } from '../core/errors.js';
import { STATE_FILE_NAME, deploymentStateSchema, type DeploymentState } from '../core/state.js';

/** Path of the state file: `$AGENTCORE_CLAUDE_STATE` or `./deployment.json`. */
export function stateFilePath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env.AGENTCORE_CLAUDE_STATE || STATE_FILE_NAME);
}

/**
 * Read the state file.
 * @returns the state, or `undefined` when the file does not exist.
 * @throws CliError (exit 2) when the file exists but is not valid JSON or not a deployment state.
 */
export async function readState(path: string): Promise<DeploymentState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, {
      exitCode: ExitCode.Usage,
      hint: 'Run `agentcore-claude deploy` to rewrite it, or remove the file.',
      code: 'BAD_STATE',
    });
  }
  const parsed = deploymentStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${path} is not a deployment state file: ${issue?.path.join('.')}: ${issue?.message}`, {
      exitCode: ExitCode.Usage,
      hint: 'Run `agentcore-claude deploy` to rewrite it.',
      code: 'BAD_STATE',
    });
  }
  return parsed.data;
}

/** Write the state file atomically (temp file + rename), mode 0644. */
export async function writeState(path: string, state: DeploymentState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

/** Write `content` to `path` through a temp file in the same directory and a rename. */
export async function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, content, { mode });
  await rename(temp, path);
}
