/**
 * Reaching a local agent for `invoke --local`: use the server listening at `--url`, or start one
 * for this call (after checking that model credentials exist) and stop it afterwards.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CliError, UsageError } from '../core/errors.js';
import { detectLocalModelAccess, MODEL_ACCESS_HINT, type LocalModelAccess } from '../core/model-access.js';
import { startLocalServer, isAgentListening, type LocalServer } from './local-server.js';
import { LocalHttpTransport } from './transports/local-http.js';

export interface LocalAgent {
  transport: LocalHttpTransport;
  /** Set when this call started the server; stop it when done. */
  started?: LocalServer;
  access?: LocalModelAccess;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Check that `env` gives a local agent model access (for Bedrock, that AWS credentials resolve
 * through the AWS SDK's default provider chain of this process).
 * @throws UsageError naming what to set.
 */
export async function requireModelAccess(env: NodeJS.ProcessEnv): Promise<LocalModelAccess> {
  const access = detectLocalModelAccess(env);
  if (access.kind === 'none') throw new UsageError(access.missing, { hint: MODEL_ACCESS_HINT, code: 'NO_MODEL_CREDENTIALS' });
  if (access.kind === 'bedrock' && !access.skipAuth) {
    try {
      // The AWS SDK's default chain (env, SSO, profiles, process, container/instance metadata).
      await fromNodeProviderChain({ timeout: 1000, maxRetries: 0 })();
    } catch (error) {
      throw new UsageError(`CLAUDE_CODE_USE_BEDROCK=1 is set but no AWS credentials were found (${(error as Error).message}).`, {
        hint: 'Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`; or use ANTHROPIC_API_KEY.',
        code: 'NO_MODEL_CREDENTIALS',
      });
    }
  }
  return access;
}

/**
 * The agent at `url`, or a new local server on its port when nothing answers there.
 * @throws UsageError when credentials are missing (before starting anything) or `url` is not a
 *   loopback address; CliError when the server cannot start.
 */
export async function connectLocalAgent(options: { url: string; env: NodeJS.ProcessEnv; workspaceRoot: string; onStart?: (url: string) => void }): Promise<LocalAgent> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`--url is not a URL: ${options.url}`, { code: 'BAD_URL' });
  }
  if (await isAgentListening(url.href)) return { transport: new LocalHttpTransport(url.origin) };
  if (!LOOPBACK.has(url.hostname)) {
    throw new CliError(`No agent server answers at ${url.origin}.`, { hint: 'Start it there, or omit --url to run a local one.', code: 'AGENT_UNREACHABLE' });
  }
  const access = await requireModelAccess(options.env);
  options.onStart?.(url.origin);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const started = await startLocalServer({ port, host: url.hostname.replace(/^\[|\]$/g, ''), workspaceRoot: options.workspaceRoot, env: options.env, stdio: 'capture' });
  return { transport: new LocalHttpTransport(started.url), started, access };
}
