/**
 * `agentcore-claude invoke "task"`: send a task to an agent and show its progress and result.
 * Transports: the deployed runtime through AgentCore's InvokeAgentRuntime (default), its HTTP API
 * (`--api`), or the agent server on this machine (`--local`); see src/engine/transports/resolve.ts.
 */
import { Command, Option } from 'commander';
import { parseDurationMs } from '../core/duration.js';
import { CliError, ExitCode, UsageError } from '../core/errors.js';
import { parsePermissionMode } from '../core/permission-mode.js';
import { validateRuntimeSessionId } from '../core/runtime-session.js';
import { DEFAULT_LOCAL_URL, LOCAL_WORKSPACE_ROOT } from '../core/local-defaults.js';
import { newRuntimeSessionId } from '../core/runtime-session.js';
import { buildPayload, invokeAgent } from '../engine/invoke.js';
import type { TransportOptions } from '../engine/transports/resolve.js';
import type { IoHost } from '../io/host.js';
import { activityText, formatEvent, formatFailure, formatResultText, formatSummary, formatUsage, unfixableRetry } from '../io/render-agent.js';
import { watchInterrupt } from './interrupt.js';
import { addJsonOption, addTargetOptions, budgetUsd, positiveInt, withExamples } from './options.js';

export interface InvokeFlags {
  local?: boolean;
  url: string;
  workspaceRoot: string;
  permissionMode?: string;
  allowedTools?: string;
  maxTurns?: number;
  maxBudgetUsd?: number;
  session?: string;
  model?: string;
  json?: boolean;
  api?: boolean;
  runtimeArn?: string;
  qualifier: string;
  timeout: string;
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
  async?: boolean;
  transcript?: boolean;
  repo?: string;
  branch?: string;
  base?: string;
}

export { DEFAULT_LOCAL_URL };

export function invokeCommand(): Command {
  const command = new Command('invoke')
    .description('Send a task to the agent and show its progress, result and files')
    .argument('<prompt>', 'the task, in natural language')
    .option('--local', 'use the agent server on this machine (started for this call when none listens at --url)')
    .option('--api', 'go through the HTTP API of `deploy --with-api`, with the key saved by `api-key` (no live progress)')
    .option('--runtime-arn <arn>', 'AgentCore runtime to invoke (default: the recorded deployment’s)')
    .option('--qualifier <name>', 'runtime endpoint', 'DEFAULT')
    .option('--timeout <duration>', 'give up waiting after this long (e.g. 30m, 2h; the run may go on in AWS)', '60m')
    .option('--url <url>', 'URL of a local agent server', DEFAULT_LOCAL_URL)
    .option('--workspace-root <dir>', 'workspace root of a server started for this call', LOCAL_WORKSPACE_ROOT)
    .addOption(new Option('--permission-mode <mode>', 'default | acceptEdits | bypassPermissions | plan | dontAsk (aliases: acceptAll, manual); server default acceptEdits'))
    .option('--allowed-tools <list>', 'comma-separated tools to auto-approve, e.g. Bash,Read,Write (server default: Bash,Read,Write,Edit,Glob,Grep,WebFetch,WebSearch,TodoWrite)')
    .option('--max-turns <n>', 'stop after this many agent turns (server default 50)', positiveInt('--max-turns'))
    .option('--max-budget-usd <n>', 'stop the run once its estimated cost passes this many US dollars (it ends with error_max_budget_usd and delivers its work; default: the deployment\'s, if any)', budgetUsd('--max-budget-usd'))
    .option('--session <id>', 'continue in this runtime session (same workspace); printed by every invoke')
    .option('--model <id>', 'model id override (Anthropic model or Bedrock inference profile)')
    .option('--async', 'return as soon as the agent accepted the task; follow it with `status --session <id> --wait`')
    .option('--transcript', 'print the run\'s transcript (JSON Lines: every model turn and tool call) on stdout instead of the result text')
    .option('--repo <url>', 'work on a clone of this Git repository (https://); the outputs include changes.patch')
    .option('--branch <name>', 'branch of --repo to clone (default: its default branch)')
    .option('--base <ref>', 'ref of --repo the patch is made against (default: the cloned head)');
  addTargetOptions(command);
  addJsonOption(command);
  withExamples(command, [
    ['agentcore-claude invoke "Create a Flask app with tests"', 'run on the deployed runtime, progress live'],
    ['agentcore-claude invoke --session <id> "Now add a Dockerfile"', 'continue that session (same workspace)'],
    ['agentcore-claude invoke --api "Create hello.py"', 'through the HTTP API (after deploy --with-api, api-key)'],
    ['agentcore-claude invoke --json "Summarize README.md" | jq -r .result', 'only the final JSON on stdout'],
    ['agentcore-claude invoke --async "Migrate the tests to vitest"', 'start a long run and return at once'],
    ['agentcore-claude invoke --max-budget-usd 2 "Refactor the parser"', 'stop (and deliver) once it has cost $2'],
    ['agentcore-claude status --session <id> --wait', '…then wait for it'],
    ['agentcore-claude invoke --repo https://github.com/o/r.git --branch main "Fix the flaky test"', 'work on a clone; get changes.patch'],
    ['agentcore-claude invoke --transcript "…" > run.jsonl', 'every model turn and tool call of the run'],
    ['agentcore-claude invoke --local "Create a hello world Python script"', 'run on this machine'],
    ['agentcore-claude invoke --local --json "Write a README" | jq .files', 'machine-readable reply'],
    ['agentcore-claude invoke --local --session <id> "Now add tests"', 'continue in the same workspace'],
    ['agentcore-claude invoke --local --url http://127.0.0.1:9000 "…"', 'use a server started by `dev --port 9000`'],
  ]);
  return command.action(async (prompt: string, flags: InvokeFlags) => {
    process.exitCode = await runInvoke(prompt, flags);
  });
}

/** The transport options of these flags (`--timeout` parsed). */
function transportOptions(flags: InvokeFlags, io: IoHost): TransportOptions {
  return {
    local: flags.local,
    url: flags.url,
    startServer: true,
    workspaceRoot: flags.workspaceRoot,
    onStartServer: (url) => io.info(`No agent server at ${url}: starting one for this call (workspaces under ${flags.workspaceRoot})`),
    api: flags.api,
    runtimeArn: flags.runtimeArn,
    qualifier: flags.qualifier,
    timeoutMs: parseDurationMs(flags.timeout, '--timeout'),
  };
}

/** The command that continues a session, as printed after each run. */
function continueCommand(flags: InvokeFlags, sessionId: string): string {
  if (flags.local) return `agentcore-claude invoke --local${flags.url !== DEFAULT_LOCAL_URL ? ` --url ${flags.url}` : ''} --session ${sessionId} "…"`;
  return `agentcore-claude invoke${flags.api ? ' --api' : ''}${flags.runtimeArn ? ` --runtime-arn ${flags.runtimeArn}` : ''} --session ${sessionId} "…"`;
}

async function runInvoke(prompt: string, flags: InvokeFlags): Promise<number> {
  // Loaded when the command runs (configuration and state pull in zod): `--help` stays fast.
  const ctx = await (await import('./context.js')).agentContext(flags);
  const { io } = ctx;
  const permissionMode = flags.permissionMode ? parsePermissionMode(flags.permissionMode) : undefined;
  const allowedTools = flags.allowedTools?.split(',').map((t) => t.trim()).filter(Boolean);
  if (flags.session) validateRuntimeSessionId(flags.session);
  if ((flags.branch || flags.base) && !flags.repo) throw new UsageError('--branch and --base need --repo.', { code: 'CONFLICTING_FLAGS' });
  if (flags.repo && !flags.local && !flags.runtimeArn && ctx.state?.artifact?.type === 'code') {
    throw new UsageError(`--repo needs git, which the code deployment of ${ctx.state.name} (AgentCore's managed Node.js runtime) does not have.`, {
      hint: 'Redeploy the container image (`agentcore-claude deploy --artifact container`), or invoke without --repo.',
      code: 'REPO_NEEDS_CONTAINER',
    });
  }
  if (flags.async && flags.transcript) throw new UsageError('--transcript needs the run to finish; with --async, read it after `status --wait` (its URL is in the result).', { code: 'CONFLICTING_FLAGS' });
  const timeoutMs = parseDurationMs(flags.timeout, '--timeout');
  // Decided here, not by the transport, so Ctrl-C can name the session to reattach to.
  const runtimeSessionId = flags.session ?? newRuntimeSessionId();
  const request = {
    prompt,
    permissionMode,
    allowedTools,
    maxTurns: flags.maxTurns,
    maxBudgetUsd: flags.maxBudgetUsd,
    model: flags.model,
    sessionId: runtimeSessionId,
    repo: flags.repo ? { url: flags.repo, branch: flags.branch, base: flags.base } : undefined,
  };
  // Rejects an empty prompt before anything is started or printed.
  buildPayload(request);
  if (flags.async && flags.local && !(await (await import('../engine/local-server.js')).isAgentListening(flags.url))) {
    // A server started for this call would stop, and abort the run, when the command returns.
    throw new UsageError(`--async needs an agent server that outlives this command: nothing listens at ${flags.url}.`, {
      hint: 'Start one with `agentcore-claude dev` (in another terminal), then invoke --local --async.',
      code: 'ASYNC_NEEDS_SERVER',
    });
  }
  const { resolveTransport } = await import('../engine/transports/resolve.js');
  const { transport, cleanup, startedServer } = await resolveTransport(ctx, transportOptions(flags, io));
  if (flags.async) {
    try {
      const { startAsyncRun } = await import('../engine/runs.js');
      const started = await startAsyncRun(transport, request);
      if (io.json) io.result(started);
      else {
        io.data(started.runtime_session_id);
        io.info(`Started (invocation ${started.invocation_id}); the agent keeps working in session ${started.runtime_session_id}.`);
        io.info(`Follow it: ${statusCommandLine(flags, started.runtime_session_id)} --wait`);
      }
      return ExitCode.Success;
    } finally {
      await cleanup();
    }
  }
  const abort = new AbortController();
  // Installed before the progress shows, so a Ctrl-C as soon as it shows is handled.
  const interrupt = watchInterrupt({
    describe: () => interruptedRunText(flags, runtimeSessionId, startedServer),
    abort: () => {
      progress.stop();
      abort.abort();
    },
  });
  const progress = io.progress(`Invoking the ${transport.target}…`);
  // --timeout: the remote transports bound the call themselves (their message says what goes on in AWS).
  const timer = flags.local ? setTimeout(() => abort.abort(new Error('timeout')), timeoutMs) : undefined;
  timer?.unref();
  // A model API error that retrying cannot fix (invalid key, no model access): stop at once.
  let unfixable: { reason: string; hint: string } | undefined;
  let tokens = '';
  let lastActivity = 'Agent working…';
  try {
    const outcome = await invokeAgent(
      transport,
      request,
      (event) => {
        const line = formatEvent(event);
        if (line) progress.log(line);
        unfixable ??= unfixableRetry(event);
        if (unfixable) abort.abort(new Error('unfixable'));
        // Live tokens: in the spinner on a terminal, as their own line otherwise.
        const usage = formatUsage(event, flags.maxBudgetUsd);
        if (usage) tokens = usage;
        if (usage && !io.fancy) progress.log(`  Σ ${usage}`);
        // The spinner text only on a terminal; plain output gets the event lines alone.
        const activity = io.fancy ? activityText(event) : undefined;
        if (activity || (usage && io.fancy)) progress.update(`${activity ?? lastActivity}${tokens ? ` · ${tokens}` : ''}`);
        if (activity) lastActivity = activity;
      },
      abort.signal,
    ).catch((error: unknown) => {
      if (interrupt.interrupted) throw new InterruptedRun();
      if (unfixable) {
        throw new CliError(`The agent cannot reach the model: ${unfixable.reason}; retrying cannot fix that, so the run was stopped.`, {
          exitCode: ExitCode.AgentError,
          hint: unfixable.hint,
          code: 'MODEL_ACCESS_REFUSED',
        });
      }
      if (abort.signal.aborted) {
        throw new CliError(`Gave up waiting for the agent after ${flags.timeout} (--timeout).`, {
          exitCode: ExitCode.Infrastructure,
          hint: `${flags.local && startedServer ? 'The server started for this call was stopped. ' : `The run may go on in session ${runtimeSessionId}: ${statusCommandLine(flags, runtimeSessionId)}. `}Pass a longer --timeout (e.g. 2h).`,
          code: 'TIMEOUT',
        });
      }
      throw error;
    });
    const { response } = outcome;
    if (response.is_error) progress.fail('The agent failed.');
    else progress.succeed('Agent finished.');
    if (flags.transcript && response.transcript) {
      const { readTranscript } = await import('../engine/transcript.js');
      io.data(await readTranscript(response.transcript, ctx.aws, Boolean(flags.local)));
      io.info(formatSummary(response, { continueCommand: continueCommand(flags, outcome.runtimeSessionId) }));
    } else if (io.json) {
      io.result(response);
    } else {
      if (!response.is_error) io.data(formatResultText(response));
      io.info(formatSummary(response, { continueCommand: continueCommand(flags, outcome.runtimeSessionId) }));
    }
    if (response.is_error) io.error(formatFailure(response));
    return response.is_error ? ExitCode.AgentError : ExitCode.Success;
  } catch (error) {
    progress.stop();
    if (error instanceof InterruptedRun) return ExitCode.Interrupted;
    throw error;
  } finally {
    clearTimeout(timer);
    interrupt.dispose();
    await cleanup();
  }
}

/** Thrown inside runInvoke when Ctrl-C aborted the call (the handler already said what runs on). */
class InterruptedRun extends Error {}

/** The `status` command line that follows a session, with the flags that address the same agent. */
function statusCommandLine(flags: InvokeFlags, sessionId: string): string {
  const where = flags.local
    ? ` --local${flags.url !== DEFAULT_LOCAL_URL ? ` --url ${flags.url}` : ''}`
    : `${flags.runtimeArn ? ` --runtime-arn ${flags.runtimeArn}` : ''}${flags.name ? ` --name ${flags.name}` : ''}`;
  return `agentcore-claude status${where} --session ${sessionId}`;
}

/** What Ctrl-C leaves running, and the commands to reattach to it or continue. */
function interruptedRunText(flags: InvokeFlags, sessionId: string, startedServer: boolean): string {
  if (flags.local && startedServer) {
    return `Stopping the local agent server started for this call; the run in session ${sessionId} ends with it (its files stay in the workspace).
  → Continue there: ${continueCommand(flags, sessionId)}`;
  }
  const where = flags.local ? `the agent server at ${flags.url}` : 'AWS';
  return `The run may still be going on in ${where}, in session ${sessionId}.
  → Reattach: ${statusCommandLine(flags, sessionId)} --wait
  → Continue: ${continueCommand(flags, sessionId)}`;
}
