/**
 * `agentcore-claude exec --session <id> [--timeout <duration>] -- <command…>`: run a command in a
 * live runtime session's workspace with AgentCore's InvokeAgentRuntimeCommand; its stdout and
 * stderr stream to ours, and its exit code is ours.
 */
import { Command } from 'commander';
import { addTargetOptions, withExamples } from './options.js';

interface ExecFlags {
  session: string;
  timeout?: string;
  runtimeArn?: string;
  qualifier: string;
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

export function execCommand(): Command {
  const command = new Command('exec')
    .description('Run a command in a live runtime session\'s workspace (InvokeAgentRuntimeCommand); streams its output, exits with its exit code')
    .requiredOption('--session <id>', 'runtime session id (printed by invoke)')
    .option('--timeout <duration>', 'AgentCore stops the command after this long (1s–1h; e.g. 90s, 10m)', '5m')
    .option('--runtime-arn <arn>', 'AgentCore runtime (default: the recorded deployment’s)')
    .option('--qualifier <name>', 'runtime endpoint', 'DEFAULT')
    .argument('<command...>', 'the command and its arguments, after --; each argument is passed as one word (use `sh -c \'…\'` for pipes)');
  addTargetOptions(command);
  withExamples(command, [
    ['agentcore-claude exec --session <id> -- ls -la', 'what the agent wrote'],
    ['agentcore-claude exec --session <id> -- npm test', 'run the tests in its workspace; our exit code is theirs'],
    ['agentcore-claude exec --session <id> -- sh -c "git status && git diff --stat"', 'a shell line'],
  ]);
  return command.action(async (argv: string[], flags: ExecFlags) => {
    process.exitCode = await runExec(argv, flags);
  });
}

async function runExec(argv: string[], flags: ExecFlags): Promise<number> {
  const [{ validateRuntimeSessionId }, { parseDuration }, { UsageError }, { COMMAND_TIMEOUT_SECONDS }] = await Promise.all([
    import('../core/runtime-session.js'),
    import('../core/duration.js'),
    import('../core/errors.js'),
    import('../aws/runtime-session.js'),
  ]);
  validateRuntimeSessionId(flags.session);
  const timeoutSeconds = parseDuration(flags.timeout ?? '5m', '--timeout');
  if (timeoutSeconds < COMMAND_TIMEOUT_SECONDS.min || timeoutSeconds > COMMAND_TIMEOUT_SECONDS.max) {
    throw new UsageError(`--timeout must be between 1s and 1h (InvokeAgentRuntimeCommand's timeout range), got ${flags.timeout}.`, { code: 'BAD_DURATION' });
  }
  if (argv.length === 0) throw new UsageError('No command given.', { hint: 'agentcore-claude exec --session <id> -- ls -la', code: 'USAGE' });
  const ctx = await (await import('./context.js')).agentContext(flags);
  const [{ runtimeArnOf }, { execInSession }] = await Promise.all([import('../engine/invoke-remote.js'), import('../engine/session-control.js')]);
  const runtimeArn = flags.runtimeArn ?? (await runtimeArnOf(ctx));
  const end = await execInSession(ctx.aws().agentCore(), { runtimeArn, qualifier: flags.qualifier }, flags.session, argv, {
    timeoutSeconds: Math.round(timeoutSeconds),
    onOutput: (output) => (output.stream === 'stdout' ? process.stdout : process.stderr).write(output.text),
  });
  if (end.exitCode < 0) {
    ctx.io.error(`AgentCore reported a platform error running the command (exit code ${end.exitCode}).`);
    return 3;
  }
  return end.exitCode;
}
