/**
 * `info`: show the deployment and its live status.
 */
import { Command } from 'commander';
import { CliError, ExitCode } from '../core/errors.js';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

export function infoCommand(): Command {
  const command = new Command('info')
    .description('Show the deployed runtime, stack, bucket, image, API endpoint, log group and console links (live status from AWS).')
    .action(async (flags: { json?: boolean; name?: string; stackName?: string; region?: string; profile?: string }) => {
      const [{ createContext }, { requireDeployment }] = await Promise.all([import('./context.js'), import('../engine/target.js')]);
      const ctx = await createContext(flags);
      // Before the engine (and the AWS SDK clients it loads): with nothing to show, say so at once.
      requireDeployment(ctx);
      const engine = await import('../engine/info.js');
      const info = await engine.gatherInfo(ctx);
      const runtimeGone = info.runtime.status === engine.NOT_FOUND;
      const stackGone = info.stack.status === engine.NOT_FOUND;
      if (runtimeGone && stackGone && !info.stateFile) {
        // Nothing recorded and nothing in AWS: most likely a typo in --name or --region.
        throw new CliError(`No agent "${info.name}" in ${info.region}: neither its runtime nor stack ${info.stack.name} exists.`, {
          hint: 'Check --name/--stack-name/--region (`agentcore-claude list` shows the recorded deployments), or deploy it: agentcore-claude deploy --name <agent>.',
          code: 'AGENT_NOT_FOUND',
        });
      }
      if (flags.json) ctx.io.result(info);
      else for (const line of engine.formatInfo(info)) ctx.io.data(line);
      if (runtimeGone) ctx.io.warn('the runtime no longer exists in AgentCore.');
      if (stackGone) ctx.io.warn(`stack ${info.stack.name} no longer exists.`);
      // A deployment that is (partly) gone is not a success for scripts (exit 3, README "Exit codes").
      if (runtimeGone || stackGone) process.exitCode = ExitCode.Infrastructure;
    });
  addTargetOptions(command);
  addJsonOption(command);
  return withExamples(command, [
    ['agentcore-claude info', 'the deployment recorded in this project (agentcore-claude list)'],
    ['agentcore-claude info --json | jq -r .runtime.status', 'live runtime status for scripts'],
    ['agentcore-claude info --name my-agent --region eu-west-1', 'an agent not recorded in this project'],
  ]);
}
