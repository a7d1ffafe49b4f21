/**
 * The context a command hands to the engine: output host, resolved configuration, the state file,
 * and AWS clients. Built once per command invocation from its parsed flags.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AwsClients } from '../aws/clients.js';
import {
  CONFIG_FILE_NAME,
  resolveConfig,
  settingsFromEnv,
  type ResolvedConfig,
  type Settings,
} from '../core/config.js';
import { CliError, ExitCode, UsageError } from '../core/errors.js';
import type { DeploymentState } from '../core/state.js';
import { IoHost } from '../io/host.js';
import { displayPath, loadDeployments, locateState } from '../io/state-file.js';

export interface CommandContext {
  io: IoHost;
  config: ResolvedConfig;
  /** The project's state file (it may not exist yet) and the project root it lives in. */
  statePath: string;
  projectRoot: string;
  /** The deployment this command acts on (see {@link selectDeployment}); undefined when none applies. */
  state: DeploymentState | undefined;
  /** Every deployment recorded in the state file. */
  deployments: DeploymentState[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** AWS clients for the resolved region/profile. @throws UsageError when no region is known. */
  aws(): AwsClients;
}

export interface ContextFlags extends Settings {
  json?: boolean;
  quiet?: boolean;
}

export interface ContextOptions {
  /**
   * Whether the command acts on a recorded deployment (default true): pick one (asking on a TTY
   * when several match) and check that the credentials' account and region are the
   * deployment's. False for commands that never touch one (`dev`, `invoke --local`, `list`).
   */
  deployment?: boolean;
  /**
   * The region when flags, environment and config file name none (e.g. the region of
   * `--runtime-arn`), counted as given by flag. Called only then.
   */
  regionFallback?: () => string;
}

/**
 * Build the command context. Flags win over env, env over the config file; the selected
 * deployment supplies the region when none is set.
 * @throws UsageError when several deployments match and none can be asked for, or the
 *   configured region differs from the deployment's; CliError when the credentials belong to
 *   another account than the deployment's (both unless `--region` is passed).
 */
/**
 * The context of a command that talks to an agent (`invoke`, `status`): a deployment is needed
 * unless the agent is local (`--local`) or named by `--runtime-arn`.
 */
export async function agentContext(flags: Pick<ContextFlags, 'json' | 'name' | 'stackName' | 'region' | 'profile'> & { local?: boolean; runtimeArn?: string }): Promise<CommandContext> {
  const runtimeArn = flags.local ? undefined : flags.runtimeArn;
  const regionOfArn = runtimeArn ? (await import('../engine/invoke-remote.js')).regionOfArn : undefined;
  return createContext(
    { json: flags.json, name: flags.name, stackName: flags.stackName, region: flags.region, profile: flags.profile },
    process.env,
    process.cwd(),
    { deployment: !flags.local && !flags.runtimeArn, ...(runtimeArn && regionOfArn ? { regionFallback: () => regionOfArn(runtimeArn) } : {}) },
  );
}

export async function createContext(flags: ContextFlags, env = process.env, cwd = process.cwd(), options: ContextOptions = {}): Promise<CommandContext> {
  const io = new IoHost({ json: flags.json, quiet: flags.quiet, env });
  const location = locateState(env, cwd);
  const file = await loadConfigFile(location.root);
  const { json: _json, quiet: _quiet, ...settings } = flags;
  const config = resolveConfig({ file, env: settingsFromEnv(env), flags: settings });
  if (!config.region && options.regionFallback) {
    config.region = options.regionFallback();
    config.sources.region = 'flag';
  }
  const deployments = await loadDeployments(location, (from, to) =>
    io.warn(`moved ${displayPath(from, cwd)} into ${displayPath(to, cwd)}, which records every agent of this project.`),
  );
  let clients: AwsClients | undefined;
  const aws = (): AwsClients => {
    if (!clients) clients = new AwsClients({ region: requireRegion(config), profile: config.profile });
    return clients;
  };
  const state = options.deployment === false ? undefined : await selectDeployment(deployments, config, io, location.path);
  if (state) {
    if (!config.region) {
      config.region = state.region;
      config.sources.region = 'state';
    }
    if (config.sources.region !== 'flag') await guardAccountAndRegion(state, config, aws);
  }
  // Resolved: read-only from here on.
  Object.freeze(config.sources);
  Object.freeze(config);
  return { io, config, statePath: location.path, projectRoot: location.root, state, deployments, env, cwd, aws };
}

/** How a deployment is named in lists and errors: `name (region, account)`. */
export function describeDeployment(d: DeploymentState): string {
  return `${d.name} (${d.region}, account ${d.account})`;
}

/**
 * The deployment the command acts on: those matching `--name`, `--stack-name` and an explicit
 * `--region`; one → it; none → undefined (the command may still find the agent in AWS by name);
 * several → asked on a TTY, else a usage error naming `--name`.
 */
export async function selectDeployment(deployments: DeploymentState[], config: ResolvedConfig, io: IoHost, statePath: string): Promise<DeploymentState | undefined> {
  const named = (config.sources.name ?? 'default') !== 'default';
  const stackNamed = (config.sources.stackName ?? 'default') !== 'default';
  const candidates = deployments.filter(
    (d) =>
      (!named || d.name === config.name) &&
      (!stackNamed || d.stackName === config.stackName) &&
      (config.sources.region !== 'flag' || d.region === config.region),
  );
  if (candidates.length <= 1) return candidates[0];
  const flag = named || stackNamed ? '--region' : '--name';
  if (io.interactive) {
    const { select } = await import('@inquirer/prompts');
    return select({
      message: `${candidates.length} deployments in ${displayPath(statePath)}: which one?`,
      choices: candidates.map((d) => ({ name: describeDeployment(d), value: d })),
    });
  }
  throw new UsageError(`${candidates.length} deployments match in ${displayPath(statePath)}: ${candidates.map(describeDeployment).join(', ')}.`, {
    hint: `Pass ${flag} to choose one (\`agentcore-claude list\` shows them all).`,
    code: 'AMBIGUOUS_DEPLOYMENT',
  });
}

/**
 * Refuse to act on `state` with settings or credentials of another region or account: the
 * configured region (AWS_REGION, config file) must be the deployment's, and STS must name its
 * account. Skipped by the caller when `--region` is passed explicitly.
 * @throws UsageError (exit 2, `REGION_MISMATCH`) or CliError (exit 2, `ACCOUNT_MISMATCH`) saying both.
 */
async function guardAccountAndRegion(state: DeploymentState, config: ResolvedConfig, aws: () => AwsClients): Promise<void> {
  if (config.region !== state.region) {
    const source = config.sources.region === 'env' ? 'your environment (AWS_REGION / AWS_DEFAULT_REGION)' : 'agentcore-claude.yaml';
    throw new UsageError(`Deployment ${describeDeployment(state)} is in ${state.region}, but ${source} says ${config.region}.`, {
      hint: `Pass --region ${state.region} to act on it, or --region ${config.region} --name <agent> for an agent in ${config.region}.`,
      code: 'REGION_MISMATCH',
    });
  }
  const { callerIdentity } = await import('../aws/sts.js');
  const identity = await callerIdentity(aws());
  if (identity.account && identity.account !== state.account) {
    throw new CliError(`Deployment ${describeDeployment(state)} belongs to account ${state.account}, but your credentials are for account ${identity.account} (${identity.arn}).`, {
      exitCode: ExitCode.Usage,
      hint: `Use credentials of account ${state.account} (--profile <name>), or pass --region ${config.region} to act on account ${identity.account} anyway.`,
      code: 'ACCOUNT_MISMATCH',
    });
  }
}

/** The resolved region, or a usage error saying how to set one. */
export function requireRegion(config: ResolvedConfig): string {
  if (config.region) return config.region;
  throw new UsageError('No AWS region is set.', {
    hint: 'Pass --region <region>, set AWS_REGION, or add `region:` to agentcore-claude.yaml.',
    code: 'NO_REGION',
  });
}

async function loadConfigFile(cwd: string): Promise<Settings> {
  const path = join(cwd, CONFIG_FILE_NAME);
  if (!existsSync(path)) return {};
  let content: unknown;
  try {
    // Loaded only when a config file exists (startup time).
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    content = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot parse ${path}: ${(error as Error).message}`, { code: 'BAD_CONFIG' });
  }
  // The schema (zod) is loaded only when there is a file to check (start-up time).
  const { parseConfigFile } = await import('../core/config-file.js');
  return parseConfigFile(content, path);
}
