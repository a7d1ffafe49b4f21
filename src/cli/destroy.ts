/**
 * `destroy`: delete the runtime, bucket, ECR repository and stack after a confirmation.
 */
import { Command } from 'commander';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

interface DestroyFlags {
  yes?: boolean;
  keepOutputs?: boolean;
  json?: boolean;
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

export function destroyCommand(): Command {
  const command = new Command('destroy')
    .description('Delete the runtime, the output bucket (all object versions), the ECR repository and the stack.')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--keep-outputs', 'keep the output bucket and its objects')
    .action(async (flags: DestroyFlags) => {
      const [{ createContext }, engine] = await Promise.all([import('./context.js'), import('../engine/destroy.js')]);
      const { yes, keepOutputs, ...target } = flags;
      const ctx = await createContext(target);
      const plan = await engine.planDestroy(ctx, { keepOutputs });
      const stackName = engine.stackNameOf(ctx);
      if (!engine.hasWork(plan)) ctx.io.info('Nothing left to delete in AWS.');
      else {
        ctx.io.info('Will delete:');
        for (const line of engine.describePlan(plan, stackName)) ctx.io.info(`  - ${line}`);
      }
      await engine.confirmDestroy(ctx, plan, Boolean(yes));
      const result = await engine.applyDestroy(ctx, plan, { keepOutputs });
      if (result.stateFile) ctx.io.info(`Removed ${ctx.state?.name} from ${ctx.statePath} (a copy of its record: ${result.stateFile}).`);
      if (result.bucket === 'kept') ctx.io.info(`Kept bucket ${result.bucketName} (--keep-outputs).`);
      if (result.logGroup) ctx.io.info(`Log group ${result.logGroup} was kept (CloudWatch Logs retention applies).`);
      if (flags.json) ctx.io.result(result);
      else ctx.io.info('Destroyed.');
    });
  addTargetOptions(command);
  addJsonOption(command);
  return withExamples(command, [
    ['agentcore-claude destroy', 'asks before deleting; says how many objects and images are lost'],
    ['agentcore-claude destroy --yes', 'for scripts and CI'],
    ['agentcore-claude destroy --keep-outputs', 'keep the output bucket and its files'],
  ]);
}
