/**
 * Which transport reaches the agent for `invoke` and `status`: the agent server on this machine
 * (`local`), or the deployed runtime through its HTTP API (`api`) or AgentCore's
 * InvokeAgentRuntime (the default; see ../invoke-remote.ts).
 */
import { UsageError } from '../../core/errors.js';
import { DEFAULT_LOCAL_URL, LOCAL_WORKSPACE_ROOT } from '../../core/local-defaults.js';
import type { OpsContext } from '../target.js';
import type { AgentTransport } from './transport.js';

export interface TransportOptions {
  /** The agent server on this machine, at `url`. */
  local?: boolean;
  /** URL of the local agent server. */
  url?: string;
  /**
   * With `local`: start a server for this call when none answers at `url` (workspaces under
   * `workspaceRoot`). Off for requests about an earlier run, which a new server would not know.
   */
  startServer?: boolean;
  workspaceRoot?: string;
  /** Told the URL when a server is started for this call. */
  onStartServer?: (url: string) => void;
  /** Through the HTTP API of `deploy --with-api`. */
  api?: boolean;
  /** The AgentCore runtime to reach (default: the recorded deployment's). */
  runtimeArn?: string;
  /** Runtime endpoint; default `DEFAULT`. */
  qualifier?: string;
  /** Deadline of one remote call, in ms. */
  timeoutMs?: number;
}

export interface ResolvedTransport {
  transport: AgentTransport;
  /** Stops what was started for this call (a local server). */
  cleanup: () => Promise<void>;
  /** True when a local server was started for this call. */
  startedServer: boolean;
}

/**
 * The transport for `options`, and a cleanup to run after the call.
 * @throws UsageError for `local` with `api` or `runtimeArn`, or no deployment to reach; as
 *   `remoteTransport` and `connectLocalAgent` otherwise.
 */
export async function resolveTransport(ctx: OpsContext & { env: NodeJS.ProcessEnv }, options: TransportOptions): Promise<ResolvedTransport> {
  if (options.local && (options.api || options.runtimeArn)) {
    throw new UsageError(`--local cannot be combined with ${options.api ? '--api' : '--runtime-arn'}.`, { code: 'CONFLICTING_FLAGS' });
  }
  if (!options.local) {
    const { remoteTransport } = await import('../invoke-remote.js');
    const transport = await remoteTransport(ctx, { api: options.api, runtimeArn: options.runtimeArn, qualifier: options.qualifier, timeoutMs: options.timeoutMs });
    return { transport, cleanup: async () => undefined, startedServer: false };
  }
  const url = options.url ?? DEFAULT_LOCAL_URL;
  if (!options.startServer) {
    const { LocalHttpTransport } = await import('./local-http.js');
    return { transport: new LocalHttpTransport(url), cleanup: async () => undefined, startedServer: false };
  }
  const { connectLocalAgent } = await import('../local-agent.js');
  const agent = await connectLocalAgent({ url, env: ctx.env, workspaceRoot: options.workspaceRoot ?? LOCAL_WORKSPACE_ROOT, onStart: options.onStartServer });
  const started = agent.started;
  return { transport: agent.transport, cleanup: async () => started?.stop(), startedServer: Boolean(started) };
}
