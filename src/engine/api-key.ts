/**
 * `api-key`: fetch the HTTP API's key named by the stack outputs, save it to `.api_key` (mode
 * 0600, atomically), make sure `.api_key` is git-ignored, and describe how to call the API.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { getApiKey } from '../aws/apigateway.js';
import { describeStack } from '../aws/cloudformation.js';
import { API_KEY_FILE, curlExample, gitignoreWith, maskSecret } from '../core/api-key.js';
import { CliError, errorMessage } from '../core/errors.js';
import type { DeploymentState } from '../core/state.js';
import { writeFileAtomic } from '../io/state-file.js';

export interface ApiKeyContext {
  aws(): AwsClients;
  /** Directory `.api_key` and `.gitignore` are written in. */
  cwd: string;
  state: DeploymentState | undefined;
}

export interface ApiKeyOptions {
  stackName: string;
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
 * Fetch and save the API key.
 * @throws CliError (exit 3) when the stack does not exist or has no HTTP API (hint: `deploy
 *   --with-api`), or GetApiKey fails.
 */
export async function fetchApiKey(ctx: ApiKeyContext, options: ApiKeyOptions): Promise<ApiKeyResult> {
  const clients = ctx.aws();
  const outputs = await stackOutputs(clients, options.stackName);
  const keyId = outputs.ApiKeyId;
  const endpoint = outputs.ApiEndpoint ?? ctx.state?.api?.endpoint;
  if (!keyId || !endpoint) {
    throw new CliError(`Stack ${options.stackName} has no HTTP API (no ApiKeyId/ApiEndpoint output).`, {
      hint: 'Add it with `agentcore-claude deploy --with-api`.',
      code: 'NO_HTTP_API',
    });
  }
  const key = await getApiKey(clients.apiGateway(), keyId, clients.region);
  const keyFile = join(ctx.cwd, API_KEY_FILE);
  await writeFileAtomic(keyFile, key.value, 0o600);
  const gitignoreUpdated = await ensureGitignored(join(ctx.cwd, '.gitignore'));
  return {
    stackName: options.stackName,
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

async function stackOutputs(clients: AwsClients, stackName: string): Promise<Record<string, string>> {
  const stack = await describeStack(clients, stackName).catch((error: unknown) => {
    throw new CliError(`Cannot read stack ${stackName}: ${errorMessage(error)}`, {
      hint: 'Check your credentials (--profile) and that they allow cloudformation:DescribeStacks.',
      code: 'AWS_ERROR',
      cause: error,
    });
  });
  if (stack) return stack.outputs;
  throw new CliError(`Stack ${stackName} does not exist in ${clients.region}.`, {
    hint: 'Run `agentcore-claude deploy --with-api`, or pass --stack-name / --region for an existing deployment.',
    code: 'NO_STACK',
  });
}
