/**
 * The context a command hands to the engine: output host, resolved configuration, the state file,
 * and AWS clients. Built once per command invocation from its parsed flags.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { AwsClients } from '../aws/clients.js';
import {
  CONFIG_FILE_NAME,
  parseConfigFile,
  resolveConfig,
  settingsFromEnv,
  type ResolvedConfig,
  type Settings,
} from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { DeploymentState } from '../core/state.js';
import { IoHost } from '../io/host.js';
import { readState, stateFilePath } from '../io/state-file.js';

export interface CommandContext {
  io: IoHost;
  config: ResolvedConfig;
  /** The state file's path and content (undefined when no deploy has written it yet). */
  statePath: string;
  state: DeploymentState | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** AWS clients for the resolved region/profile. @throws UsageError when no region is known. */
  aws(): AwsClients;
}

export interface ContextFlags extends Settings {
  json?: boolean;
  quiet?: boolean;
}

/** Build the command context. Flags win over env, env over the config file, state fills region. */
export async function createContext(flags: ContextFlags, env = process.env, cwd = process.cwd()): Promise<CommandContext> {
  const io = new IoHost({ json: flags.json, quiet: flags.quiet, env });
  const file = loadConfigFile(cwd);
  const { json: _json, quiet: _quiet, ...settings } = flags;
  const config = resolveConfig({ file, env: settingsFromEnv(env), flags: settings });
  const statePath = stateFilePath(env, cwd);
  const state = await readState(statePath);
  if (state && !config.region) {
    config.region = state.region;
    config.sources.region = 'state';
  }
  let clients: AwsClients | undefined;
  return {
    io,
    config,
    statePath,
    state,
    env,
    cwd,
    aws() {
      if (!clients) clients = new AwsClients({ region: requireRegion(config), profile: config.profile });
      return clients;
    },
  };
}

/** The resolved region, or a usage error saying how to set one. */
export function requireRegion(config: ResolvedConfig): string {
  if (config.region) return config.region;
  throw new UsageError('No AWS region is set.', {
    hint: 'Pass --region <region>, set AWS_REGION, or add `region:` to agentcore-claude.yaml.',
    code: 'NO_REGION',
  });
}

function loadConfigFile(cwd: string): Settings {
  const path = resolve(cwd, CONFIG_FILE_NAME);
  if (!existsSync(path)) return {};
  let content: unknown;
  try {
    // Loaded only when a config file exists (startup time).
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    content = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot parse ${path}: ${(error as Error).message}`, { code: 'BAD_CONFIG' });
  }
  return parseConfigFile(content, path);
}
