/**
 * `agentcore-claude sessions [list] | rm <id>` — the runtime sessions saved in the output bucket.
 */
import { Command } from 'commander';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

interface Flags {
  json?: boolean;
  runtimeArn?: string;
  qualifier?: string;
  wait?: string;
  bucket?: string;
  region?: string;
  profile?: string;
  name?: string;
  stackName?: string;
}

function withCommon(command: Command): Command {
  addTargetOptions(command);
  addJsonOption(command);
  return command.option('--bucket <bucket>', 'output bucket (default: the recorded deployment’s)');
}

export function sessionsCommand(): Command {
  const sessions = new Command('sessions').description('List, remove, stop or export runtime sessions (saved in S3 for `invoke --session`)');

  const list = withCommon(new Command('list').description('List saved sessions, most recent first')).action(async (flags: Flags) => {
    const { createContext } = await import('./context.js');
    const ctx = await createContext(flags);
    const [{ listSessions }, { resolveBucket }] = await Promise.all([import('../engine/sessions.js'), import('../engine/target.js')]);
    const records = await listSessions(ctx.aws().s3(), await resolveBucket(ctx, flags.bucket));
    if (ctx.io.json) return ctx.io.result({ sessions: records });
    if (records.length === 0) return ctx.io.info('No saved sessions yet. Start one with `agentcore-claude invoke "task"`.');
    for (const r of records) {
      const prompt = r.first_prompt.replace(/\s+/g, ' ');
      const cost = r.total_cost_usd === undefined ? '       -' : `$${r.total_cost_usd.toFixed(4)}`.padStart(8);
      const storage = r.storage === 'session-storage' ? ' [session storage]' : '';
      ctx.io.data(`${r.runtime_session_id}  ${r.updated_at}  ${String(r.invocations ?? 1).padStart(3)} call(s)  ${cost}  ${prompt.length > 60 ? `${prompt.slice(0, 57)}...` : prompt}${storage}`);
    }
    ctx.io.info(`\nContinue one with: agentcore-claude invoke --session <id> "next step"`);
  });

  const rm = withCommon(new Command('rm').description('Delete a saved session (its archive and record)').argument('<id>', 'runtime session id')).action(
    async (id: string, flags: Flags) => {
      const { createContext } = await import('./context.js');
      const ctx = await createContext(flags);
      const [{ removeSession }, { resolveBucket }] = await Promise.all([import('../engine/sessions.js'), import('../engine/target.js')]);
      const deleted = await removeSession(ctx.aws().s3(), await resolveBucket(ctx, flags.bucket), id);
      if (ctx.io.json) return ctx.io.result({ deleted });
      ctx.io.info(`Deleted session ${id} (${deleted.join(', ')}).`);
    },
  );

  const stop = withRuntime(new Command('stop').description('Stop a live runtime session (StopRuntimeSession): its agent gets SIGTERM and delivers its work; reports what was saved').argument('<id>', 'runtime session id'))
    .option('--wait <duration>', 'how long to wait for the stopped run\'s delivery to be recorded in S3', '60s')
    .action(async (id: string, flags: Flags) => {
      process.exitCode = await runStop(id, flags);
    });

  const exportCmd = withRuntime(new Command('export').description('Write a session\'s archive to S3 now (for sessions on managed session storage: durability beyond its retention)').argument('<id>', 'runtime session id'))
    .action(async (id: string, flags: Flags) => {
      const { validateRuntimeSessionId } = await import('../core/runtime-session.js');
      validateRuntimeSessionId(id);
      const ctx = await (await import('./context.js')).agentContext(flags);
      const [{ remoteTransport }, { exportSession }] = await Promise.all([import('../engine/invoke-remote.js'), import('../engine/session-control.js')]);
      const transport = await remoteTransport(ctx, { runtimeArn: flags.runtimeArn, qualifier: flags.qualifier });
      const progress = ctx.io.progress(`Exporting session ${id}…`);
      const reply = await exportSession(transport, id).finally(() => progress.stop());
      if (ctx.io.json) ctx.io.result(reply);
      if (!reply.exported) {
        const { CliError } = await import('../core/errors.js');
        throw new CliError(`Session ${id} was not exported: ${reply.reason ?? reply.error ?? 'no reason given'}.`, {
          hint: reply.reason ? 'A session whose storage was reset keeps only what an earlier export saved (agentcore-claude sessions).' : 'Check the agent\'s logs: agentcore-claude logs --since 15m',
          code: reply.reason ? 'EXPORT_REFUSED' : 'EXPORT_FAILED',
        });
      }
      if (!ctx.io.json) ctx.io.info(`Exported session ${id}: ${reply.file_count ?? 0} file(s) → ${reply.archive_key ?? 'sessions/'} (continue it anywhere with invoke --session ${id})`);
    });

  withExamples(stop, [['agentcore-claude sessions stop session-3f2a…', 'stop it; prints the files its run delivered']]);
  withExamples(exportCmd, [['agentcore-claude sessions export session-3f2a…', 'archive a session-storage session to S3']]);
  withExamples(list, [
    ['agentcore-claude sessions', 'list saved sessions'],
    ['agentcore-claude sessions --json | jq ".sessions[0]"', 'the most recent one, as JSON'],
  ]);
  withExamples(rm, [['agentcore-claude sessions rm 7f9c…', 'forget a session']]);
  sessions.addCommand(list, { isDefault: true });
  sessions.addCommand(rm);
  sessions.addCommand(stop);
  sessions.addCommand(exportCmd);
  return withExamples(sessions, [
    ['agentcore-claude sessions', 'list saved sessions (id, last update, first prompt)'],
    ['agentcore-claude sessions rm <id>', 'delete one'],
    ['agentcore-claude sessions stop <id>', 'stop a live one (its work is delivered)'],
    ['agentcore-claude sessions export <id>', 'archive one to S3 now'],
  ]);
}

function withRuntime(command: Command): Command {
  withCommon(command);
  return command.option('--runtime-arn <arn>', 'AgentCore runtime (default: the recorded deployment’s)').option('--qualifier <name>', 'runtime endpoint', 'DEFAULT');
}

/** `sessions stop <id>`: the status before, the stop, then the stored run of what was running. */
async function runStop(id: string, flags: Flags): Promise<number> {
  const [{ validateRuntimeSessionId }, { parseDuration }] = await Promise.all([import('../core/runtime-session.js'), import('../core/duration.js')]);
  validateRuntimeSessionId(id);
  const waitMs = parseDuration(flags.wait ?? '60s', '--wait') * 1000;
  const ctx = await (await import('./context.js')).agentContext(flags);
  const [{ runtimeArnOf }, { storedRun, stopSession }, { resolveBucket }, render] = await Promise.all([
    import('../engine/invoke-remote.js'),
    import('../engine/session-control.js'),
    import('../engine/target.js'),
    import('../io/render-agent.js'),
  ]);
  const runtimeArn = flags.runtimeArn ?? (await runtimeArnOf(ctx));
  const bucket = await resolveBucket(ctx, flags.bucket);
  // Which run is in progress, from the status the agent stores when a run starts and ends — asking
  // the session itself would make AgentCore start a new microVM for a session that has ended.
  const before = await storedRun(ctx.aws().s3(), bucket, id);
  const progress = ctx.io.progress(`Stopping session ${id}…`);
  const outcome = await stopSession(ctx.aws().agentCore(), ctx.aws().s3(), { runtimeArn, qualifier: flags.qualifier, bucket }, id, before, { deadline: Date.now() + waitMs }).finally(() => progress.stop());
  if (ctx.io.json) {
    ctx.io.result(outcome);
    return 0;
  }
  const response = outcome.run?.response;
  if (outcome.stopped_invocation_id === null) ctx.io.info(`Stopped session ${id}; no run was in progress.${response ? ' Its last run:' : ''}`);
  else if (outcome.delivery_unconfirmed) {
    ctx.io.warn(`Stopped session ${id}; the delivery of run ${outcome.stopped_invocation_id} was not recorded in s3://${bucket}/runs/ within ${flags.wait ?? '60s'}.`);
    ctx.io.info('Its files may still arrive: agentcore-claude download --latest; agentcore-claude logs --since 15m');
    return 0;
  } else ctx.io.info(`Stopped session ${id}; the run in progress (${outcome.stopped_invocation_id}) delivered its work:`);
  if (response) ctx.io.info(render.formatSummary(response));
  return 0;
}
