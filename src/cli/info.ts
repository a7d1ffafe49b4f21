/**
 * `info`: show the deployment and its live status.
 */
import { Command } from 'commander';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

export function infoCommand(): Command {
  const command = new Command('info')
    .description('Show the deployed runtime, stack, bucket, image, API endpoint, log group and console links (live status from AWS).')
    .action(async (flags: { json?: boolean; name?: string; stackName?: string; region?: string; profile?: string }) => {
      const [{ createContext }, engine] = await Promise.all([import('./context.js'), import('../engine/info.js')]);
      const ctx = await createContext(flags);
      const info = await engine.gatherInfo(ctx);
      if (flags.json) ctx.io.result(info);
      else for (const line of engine.formatInfo(info)) ctx.io.data(line);
      if (info.runtime.status === engine.NOT_FOUND) ctx.io.warn('the runtime no longer exists in AgentCore.');
      if (info.stack.status === engine.NOT_FOUND) ctx.io.warn(`stack ${info.stack.name} no longer exists.`);
    });
  addTargetOptions(command);
  addJsonOption(command);
  return withExamples(command, [
    ['agentcore-claude info', 'the deployment in ./deployment.json'],
    ['agentcore-claude info --json | jq -r .runtime.status', 'live runtime status for scripts'],
    ['agentcore-claude info --name my-agent --region eu-west-1', 'without deployment.json'],
  ]);
}
