/**
 * `api-key`: fetch the HTTP API's key named by the stack outputs, save it to `.api_key` (mode
 * 0600, atomically), make sure `.api_key` is git-ignored, and describe how to call the API.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getApiKey } from '../aws/apigateway.js';
import { stackStatus } from '../aws/cloudformation.js';
import { API_KEY_FILE, curlExample, gitignoreWith, maskSecret } from '../core/api-key.js';
import { CliError } from '../core/errors.js';
import { writeFileAtomic } from '../io/state-file.js';
import { requireDeployment, stackNameOf, stateMatches, STACK_OUTPUTS, type OpsContext } from './target.js';

export interface ApiKeyOptions {
  /** Return the key's value unmasked. */
  show?: boolean;
}

/** The `--json` result of `api-key` (a contract). */
export interface ApiKeyResult {
  stackName: string;
  region: string;
  endpoint: string;
  keyId: string;
  /** The key, masked (`abcd********…`) unless `show`. */
  apiKey: string;
  masked: boolean;
  /** Absolute path of the saved key (mode 0600). */
  keyFile: string;
  /** True when this run added `.api_key` to `.gitignore`. */
  gitignoreUpdated: boolean;
  curl: string;
}

/**
 * Fetch and save the API key of the deployment `ctx` names (the recorded deployment, or --name/--stack-name).
 * `.api_key` and `.gitignore` are written in `ctx.cwd`.
 * @throws UsageError (exit 2) when no deployment is named; CliError (exit 3) when the stack does
 *   not exist or has no HTTP API (hint: `deploy --with-api`), or GetApiKey fails.
 */
export async function fetchApiKey(ctx: OpsContext, options: ApiKeyOptions = {}): Promise<ApiKeyResult> {
  requireDeployment(ctx);
  const clients = ctx.aws();
  const stackName = stackNameOf(ctx);
  const stack = await stackStatus(clients, stackName);
  if (!stack) {
    throw new CliError(`Stack ${stackName} does not exist in ${clients.region}.`, {
      hint: 'Run `agentcore-claude deploy --with-api`, or pass --stack-name / --region for an existing deployment.',
      code: 'NO_STACK',
    });
  }
  const keyId = stack.outputs[STACK_OUTPUTS.apiKeyId];
  const endpoint = stack.outputs[STACK_OUTPUTS.apiEndpoint] ?? (stateMatches(ctx) ? ctx.state.api?.endpoint : undefined);
  if (!keyId || !endpoint) {
    throw new CliError(`Stack ${stackName} has no HTTP API (no ${STACK_OUTPUTS.apiKeyId}/${STACK_OUTPUTS.apiEndpoint} output).`, {
      hint: 'Add it with `agentcore-claude deploy --with-api`.',
      code: 'NO_HTTP_API',
    });
  }
  const key = await getApiKey(clients.apiGateway(), keyId, clients.region);
  const keyFile = join(ctx.cwd, API_KEY_FILE);
  await writeFileAtomic(keyFile, key.value, 0o600);
  const gitignoreUpdated = await ensureGitignored(join(ctx.cwd, '.gitignore'));
  return {
    stackName,
    region: clients.region,
    endpoint,
    keyId,
    apiKey: options.show ? key.value : maskSecret(key.value),
    masked: !options.show,
    keyFile,
    gitignoreUpdated,
    curl: curlExample(endpoint),
  };
}

/** Add `.api_key` to the `.gitignore` at `path` (created if missing). @returns true if it changed. */
async function ensureGitignored(path: string): Promise<boolean> {
  let content: string | undefined;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const updated = gitignoreWith(content);
  if (updated === undefined) return false;
  await writeFileAtomic(path, updated);
  return true;
}
