/**
 * `agentcore-claude status --session <id> [--wait]`: the latest run of a runtime session (an
 * `invoke --async` run, or any other), as the agent serving that session reports it.
 */
import { Command } from 'commander';
import type { StatusReply } from '@agentcore-claude/protocol';
import { parseDurationMs } from '../core/duration.js';
import { CliError, ExitCode } from '../core/errors.js';
import { validateRuntimeSessionId } from '../core/runtime-session.js';
import { formatEvent, formatFailure, formatResultText, formatSummary } from '../io/render-agent.js';
import type { IoHost } from '../io/host.js';
import { DEFAULT_LOCAL_URL } from '../core/local-defaults.js';
import { watchInterrupt } from './interrupt.js';
import { addJsonOption, addTargetOptions, withExamples } from './options.js';

interface StatusFlags {
  session: string;
  wait?: boolean;
  timeout?: string;
  local?: boolean;
  url: string;
  runtimeArn?: string;
  qualifier: string;
  json?: boolean;
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

export function statusCommand(): Command {
  const command = new Command('status')
    .description('Show the latest run of a runtime session (e.g. one started with invoke --async); --wait until it ends')
    .requiredOption('--session <id>', 'runtime session id (printed by invoke --async)')
    .option('--wait', 'poll until the run has ended, then print its result (exit 1 if it failed)')
    .option('--timeout <duration>', 'with --wait: give up after this long (e.g. 30m)')
    .option('--local', 'ask the local agent server at --url (agentcore-claude dev)')
    .option('--url <url>', 'URL of the local agent server', DEFAULT_LOCAL_URL)
    .option('--runtime-arn <arn>', 'AgentCore runtime (default: the recorded deployment’s)')
    .option('--qualifier <name>', 'runtime endpoint', 'DEFAULT');
  addTargetOptions(command);
  addJsonOption(command);
  withExamples(command, [
    ['agentcore-claude status --session <id>', 'running / succeeded / failed, turns, last event, files so far'],
    ['agentcore-claude status --session <id> --wait', 'wait for the end, then print the result like invoke'],
    ['agentcore-claude status --local --session <id> --json', 'from the server of agentcore-claude dev, as JSON'],
  ]);
  return command.action(async (flags: StatusFlags) => {
    process.exitCode = await runStatusCommand(flags);
  });
}

async function runStatusCommand(flags: StatusFlags): Promise<number> {
  validateRuntimeSessionId(flags.session);
  const timeoutMs = flags.timeout ? parseDurationMs(flags.timeout, '--timeout') : undefined;
  const ctx = await (await import('./context.js')).agentContext(flags);
  const { io } = ctx;
  const { runStatus, waitForRun } = await import('../engine/runs.js');
  const { resolveTransport } = await import('../engine/transports/resolve.js');
  // Never start a server here: a new one would not know the run.
  const { transport } = await resolveTransport(ctx, {
    local: flags.local,
    url: flags.url,
    startServer: false,
    runtimeArn: flags.runtimeArn,
    qualifier: flags.qualifier,
    timeoutMs: timeoutMs ?? 3_600_000,
  });
  let progress: ReturnType<typeof io.progress> | undefined;
  // Ctrl-C stops waiting, not the run: say how to come back to it. (Installed before anything is
  // shown, so a Ctrl-C as soon as the wait shows is handled.)
  const where = flags.local ? ` --local${flags.url !== DEFAULT_LOCAL_URL ? ` --url ${flags.url}` : ''}` : flags.runtimeArn ? ` --runtime-arn ${flags.runtimeArn}` : '';
  const interrupt = flags.wait
    ? watchInterrupt({
        describe: () => `The run in session ${flags.session} goes on.\n  → Wait again: agentcore-claude status${where} --session ${flags.session} --wait`,
        abort: () => {
          progress?.stop();
          process.exit(ExitCode.Interrupted);
        },
      })
    : undefined;
  if (flags.wait) progress = io.progress(`Waiting for the run in session ${flags.session}…`);
  let lastEvent = '';
  const reply = flags.wait
    ? await waitForRun(transport, flags.session, { deadline: timeoutMs === undefined ? undefined : Date.now() + timeoutMs }, (r) => {
        if (r.status !== 'running') return;
        const line = r.last_event ? formatEvent(r.last_event as never) : undefined;
        if (line && line !== lastEvent) progress?.log(line);
        lastEvent = line ?? lastEvent;
        progress?.update(`Running: ${r.turns} turn(s), ${r.files_so_far.length} file(s) so far`);
      }).finally(() => {
        progress?.stop();
        interrupt?.dispose();
      })
    : await runStatus(transport, flags.session);
  return report(reply, flags, io);
}

function report(reply: StatusReply, flags: StatusFlags, io: IoHost): number {
  if (io.json) io.result(reply);
  if (reply.status === 'unknown') {
    if (!io.json) io.info(`No run of session ${flags.session} on the agent: ${reply.reason}`);
    throw new CliError(`Session ${flags.session} has no run on the agent.`, {
      exitCode: ExitCode.Usage,
      hint: 'Check the session id; a finished session\'s outputs stay in S3 (agentcore-claude download, sessions).',
      code: 'NO_RUN',
    });
  }
  if (io.json) return reply.status === 'failed' ? ExitCode.AgentError : ExitCode.Success;
  if (reply.status === 'running') {
    io.data(`running`);
    io.info(`Started ${reply.started_at} · ${reply.turns} turn(s) · files so far: ${reply.files_so_far.join(', ') || 'none'}`);
    const last = reply.last_event ? formatEvent(reply.last_event as never) : undefined;
    if (last) io.info(`Last event: ${last}`);
    return ExitCode.Success;
  }
  const response = reply.response!;
  io.data(reply.status);
  if (!response.is_error) io.data(formatResultText(response));
  io.info(formatSummary(response));
  if (response.is_error) io.error(formatFailure(response));
  return response.is_error ? ExitCode.AgentError : ExitCode.Success;
}
