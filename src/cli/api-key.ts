/**
 * `agentcore-claude api-key` — fetch the HTTP API's key into `.api_key` and show how to call the API.
 */
import { Command } from 'commander';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

interface Flags {
  show?: boolean;
  json?: boolean;
  region?: string;
  profile?: string;
  name?: string;
  stackName?: string;
}

export function apiKeyCommand(): Command {
  const command = new Command('api-key')
    .description('Save the HTTP API key to .api_key (mode 0600, git-ignored) and print the endpoint and a curl example')
    .option('--show', 'print the key itself instead of a masked form');
  addTargetOptions(command);
  addJsonOption(command);
  command.action(async (flags: Flags) => {
    const { show, ...rest } = flags;
    // Loaded when the command runs (startup time of the other commands).
    const [{ createContext }, { fetchApiKey }] = await Promise.all([import('./context.js'), import('../engine/api-key.js')]);
    const ctx = await createContext(rest);
    const result = await fetchApiKey(ctx, { show });
    if (ctx.io.json) return ctx.io.result(result);
    ctx.io.data(`API endpoint: ${result.endpoint}`);
    ctx.io.data(`API key id:   ${result.keyId}`);
    ctx.io.data(`API key:      ${result.apiKey}${result.masked ? '  (masked; --show prints it)' : ''}`);
    ctx.io.info(`Saved to ${result.keyFile} (mode 0600)${result.gitignoreUpdated ? '; added .api_key to .gitignore' : ''}.`);
    ctx.io.data(`\nCall the API:\n${result.curl}`);
  });
  return withExamples(command, [
    ['agentcore-claude api-key', 'save the key to .api_key, print the endpoint and a curl example'],
    ['agentcore-claude api-key --show', 'also print the key itself'],
    ['agentcore-claude api-key --json | jq -r .endpoint', 'the endpoint, for scripts'],
  ]);
}
