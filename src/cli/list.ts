/**
 * `agentcore-claude list`: the deployments recorded in this project's state (no AWS calls).
 */
import { Command } from 'commander';
import { addJsonOption, withExamples } from './options.js';

/** One deployment as `list --json` prints it (snake_case, as every --json document). */
export interface ListedDeployment {
  name: string;
  region: string;
  account: string;
  stack_name: string;
  runtime_name: string;
  runtime_arn: string;
  /** `container` or `code` (records written before artifacts existed: `container`). */
  artifact: string;
  /** ISO-8601. */
  updated_at: string;
}

export function listCommand(): Command {
  const command = new Command('list')
    .description('List the agents deployed from this project (from .agentcore-claude/deployments.json; no AWS calls)')
    .action(async (flags: { json?: boolean }) => {
      const { createContext } = await import('./context.js');
      const ctx = await createContext({ json: flags.json }, process.env, process.cwd(), { deployment: false });
      const deployments: ListedDeployment[] = ctx.deployments.map((d) => ({
        name: d.name,
        region: d.region,
        account: d.account,
        stack_name: d.stackName,
        runtime_name: d.runtime.name,
        runtime_arn: d.runtime.arn,
        artifact: d.artifact?.type ?? 'container',
        updated_at: d.updatedAt,
      }));
      if (flags.json) {
        ctx.io.result({ state_file: ctx.statePath, deployments });
        return;
      }
      if (deployments.length === 0) {
        ctx.io.info(`No deployments recorded in ${ctx.statePath}. Deploy one: agentcore-claude deploy --name <agent>`);
        return;
      }
      const rows = [['NAME', 'REGION', 'ACCOUNT', 'STACK', 'RUNTIME', 'ARTIFACT', 'UPDATED'], ...deployments.map((d) => [d.name, d.region, d.account, d.stack_name, d.runtime_name, d.artifact, d.updated_at])];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const row of rows) ctx.io.data(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
      if (deployments.length > 1) ctx.io.info('Pick one with --name <agent> (and --region when a name is deployed in several regions).');
    });
  addJsonOption(command);
  return withExamples(command, [
    ['agentcore-claude list', 'name, region, account, stack, runtime of every deployment'],
    ['agentcore-claude list --json | jq -r ".deployments[].name"', 'for scripts'],
  ]);
}
